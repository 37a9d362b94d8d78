"""Infrastructure every Meedenken service needs, written once. No domain code lives here."""
