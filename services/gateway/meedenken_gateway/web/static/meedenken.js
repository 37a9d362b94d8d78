// Progressive enhancement only: every page works without this file.
// The status message after a form is in the page from the start, and screen readers do not
// announce a live region that was filled before they read it: empty it, then put the message back.
document.addEventListener("DOMContentLoaded", function () {
  var region = document.querySelector(".meedenken-status");
  if (!region || !region.firstElementChild) {
    return;
  }
  var message = region.innerHTML;
  region.innerHTML = "";
  window.setTimeout(function () { region.innerHTML = message; }, 150);
});
