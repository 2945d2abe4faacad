-- bench/byid.lua: wrk script that GETs PREFIX..ID for IDs taken in turn from a file.
-- Usage: wrk --latency -s bench/byid.lua http://127.0.0.1:PORT -- PREFIX IDS_FILE
--   ocop:  PREFIX = /api/v1/products/      (GET /api/v1/products/{id})
--   nginx: PREFIX = /product.json?id=      (the same static file whatever the id, so both
--          servers are driven by the same Lua code and the client costs the same)
-- done() prints one BENCH line that bench/run reads.

local paths = {}
local i = 0

function init(args)
  local prefix, file = args[1], args[2]
  if not prefix or not file then error("usage: -- PREFIX IDS_FILE") end
  for line in io.lines(file) do
    if line ~= "" then paths[#paths + 1] = prefix .. line end
  end
  if #paths == 0 then error("no ids in " .. file) end
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
