-- wrk script of bench/checkpoint_scans.py: each thread sends its share of the pre-encoded bodies (one JSON
-- body a line of the file) in turn, and writes every client id answered stored or duplicate to its own file.
-- wrk -s scans_wrk.lua URL -- <bodies file> <path> <token> <threads> <ack file prefix>
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  local every = tonumber(args[4])
  requests = {}
  local k = 0
  local headers = {["Content-Type"] = "application/json"}
  if args[3] ~= "" then headers["Authorization"] = "Bearer " .. args[3] end
  for line in io.lines(args[1]) do
    if k % every == id then
      table.insert(requests, wrk.format("POST", args[2], headers, line))
    end
    k = k + 1
  end
  i = 0
  non200 = 0
  ack = io.open(args[5] .. id, "w")
end

function request()
  i = i % #requests + 1
  return requests[i]
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    return
  end
  for c, s in body:gmatch('"client_id":"([^"]+)","status":"(%a+)"') do
    if s ~= "refused" then ack:write(c, " ", s, "\n") end
  end
  ack:flush()
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non200") end
  io.write(string.format("WRK requests=%d seconds=%.3f non200=%d errors=%d p50ms=%.1f p99ms=%.1f\n",
    summary.requests, summary.duration / 1e6, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
