-- wrk script for bench/votes.py: each request answers one (citizen, statement) pair, every pair at
-- most once, split over the threads without overlap, starting at pair `offset`; every
-- `support_every`-th request is instead a citizen supporting an agenda proposal (each
-- citizen-proposal pair at most once). Per-thread status counts are read in done().
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  ok, failed, supports_ok, next_pair = 0, 0, 0, 0
  local file = io.open(args[1], "r")
  tokens, statements, proposals = {}, {}, {}
  for line in file:lines() do
    local kind, value = line:match("^(%a+) (.+)$")
    if kind == "token" then table.insert(tokens, value)
    elseif kind == "statement" then table.insert(statements, value)
    else table.insert(proposals, value) end
  end
  file:close()
  stride = tonumber(args[2])
  next_pair = tonumber(args[3]) + id - 1
  support_every = tonumber(args[4])
end

local choices = {"agree", "disagree", "pass"}

function request()
  local pair = next_pair
  next_pair = next_pair + stride
  if support_every > 0 and #proposals > 0 and pair % support_every == 0 then
    local n = math.floor(pair / support_every)
    local citizen = math.floor(n / #proposals) % #tokens
    return wrk.format("POST", "/api/v1/agenda-proposals/" .. proposals[(n % #proposals) + 1] .. "/support",
      {["Authorization"] = "Bearer " .. tokens[citizen + 1]}, "")
  end
  local citizen = math.floor(pair / #statements) % #tokens
  local statement = statements[(pair % #statements) + 1]
  local choice = choices[(pair % 3) + 1]
  return wrk.format("PUT", "/api/v1/statements/" .. statement .. "/response",
    {["Authorization"] = "Bearer " .. tokens[citizen + 1], ["Content-Type"] = "application/json"},
    '{"choice": "' .. choice .. '"}')
end

function response(status, headers, body)
  if status == 200 then
    -- responses carry no request identity across connections: a support's answer names its proposal
    if body:find('"proposal_id"', 1, true) then supports_ok = supports_ok + 1 else ok = ok + 1 end
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_supports, total_failed, last_pair = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    last_pair = math.max(last_pair, thread:get("next_pair"))
    total_ok = total_ok + thread:get("ok")
    total_supports = total_supports + thread:get("supports_ok")
    total_failed = total_failed + thread:get("failed")
  end
  io.write(string.format('WRK {"ok": %d, "supports_ok": %d, "failed": %d, "socket_errors": %d, "p50_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f, "duration_s": %.3f, "next_pair": %d}\n',
    total_ok, total_supports, total_failed,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.duration / 1e6,
    last_pair))
end
