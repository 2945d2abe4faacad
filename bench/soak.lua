-- bench/soak.lua: the mixed load of bench/soak for wrk. Of every 20 requests: 12 reads of a
-- product by id, 5 searches, 3 writes (PATCH a product's description, with an administrator's
-- token: an update, so the data does not grow in number of records).
-- Arguments (after --): TOKEN NPRODUCTS
local token, nprod, counter = "", 1000, 0
local words = {"banh", "keo+dua", "nuoc+mam", "xanh", "tra", "gao+thom", "mat+ong", "dac+san", "b", "ca"}

function init(args)
    token = args[1]
    nprod = tonumber(args[2])
    counter = math.random(1, 1000000)
end

function request()
    counter = counter + 1
    local r = counter % 20
    if r < 12 then
        return wrk.format("GET", "/api/v1/products/" .. ((counter * 7919) % nprod + 1))
    elseif r < 17 then
        return wrk.format("GET", "/api/v1/search?q=" .. words[(counter % #words) + 1])
    end
    local id = (counter * 104729) % nprod + 1
    return wrk.format("PATCH", "/api/v1/products/" .. id,
        {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"},
        '{"description": "soak ' .. counter .. '"}')
end

local statuses = {}
function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
    io.write(string.format("SOAK requests=%d errors_status=%d errors_socket=%d p99_us=%d\n", summary.requests,
        summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write +
        summary.errors.timeout, latency:percentile(99)))
end
