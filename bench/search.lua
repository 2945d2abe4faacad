-- bench/search.lua: wrk script for GET /api/v1/search, cycling through a list of queries.
-- Usage: wrk --latency -s bench/search.lua http://127.0.0.1:PORT -- QUERIES_FILE
-- QUERIES_FILE holds one URL-encoded query per line (bench/gen-products writes queries.txt).
-- Each wrk thread starts at a different place in the list. done() prints one BENCH line that
-- bench/run reads; it stands alone.

local paths = {}
local i = 0

function init(args)
  local file = args[1] or "queries.txt"
  for line in io.lines(file) do
    if line ~= "" then paths[#paths + 1] = "/api/v1/search?q=" .. line end
  end
  if #paths == 0 then error("no queries in " .. file) end
  i = math.random(#paths) - 1
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.0f p50_us=%d p90_us=%d p99_us=%d max_us=%d "
    .. "errors_status=%d errors_socket=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect + e.read + e.write + e.timeout))
end
