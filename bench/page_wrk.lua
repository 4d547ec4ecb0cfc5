-- wrk script of bench/resident_page.py: each thread sends its share of the pre-encoded order forms (one
-- "<path> <body>" a line of the file), each once, and stops when every one has been answered. Answers are
-- counted by status; the time is from the first request to the last form's answer (a monotonic clock through
-- LuaJIT's ffi: wrk's own duration is always -d).
-- A connection freed after the last form has been sent waits (delay) instead of sending more, so that only
-- the forms are timed; should one still be asked for, it is a POST without the CSRF pair: refused with 403 by
-- the middleware ("spare"), it writes nothing.
-- wrk -s page_wrk.lua URL -- <forms file> <cookie header> <threads> <marker file>
-- The marker file is written when a thread is done, so that the bench can stop wrk before -d runs out.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } frontline_timespec;
int clock_gettime(int clock, frontline_timespec *tp);
]]
local function now_ms()
  local t = ffi.new("frontline_timespec")
  ffi.C.clock_gettime(1, t)
  return tonumber(t.tv_sec) * 1000 + tonumber(t.tv_nsec) / 1e6
end

local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  local every = tonumber(args[3])
  requests = {}
  local k = 0
  local headers = {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = args[2]}
  local first_path
  for line in io.lines(args[1]) do
    if k % every == id then
      local path, body = line:match("^(%S+) (.*)$")
      first_path = first_path or path
      table.insert(requests, wrk.format("POST", path, headers, body))
    end
    k = k + 1
  end
  spare = wrk.format("POST", first_path, {["Content-Type"] = "application/x-www-form-urlencoded"}, "")
  i = (id == 0) and -1 or 0  -- wrk calls the first thread's request() once to check the script: not sent
  answered = 0
  s200, s400, s429, s403, other = 0, 0, 0, 0, 0
  first, last = 0, 0
  marker = args[4]
end

function request()
  i = i + 1
  if i == 0 then return requests[1] end
  if i == 1 then first = now_ms() end
  if i > #requests then return spare end
  return requests[i]
end

function delay()
  if i >= #requests then return 3600000 end
  return 0
end

function response(status, headers, body)
  if status == 403 then s403 = s403 + 1 return end
  answered = answered + 1
  if status == 200 then s200 = s200 + 1
  elseif status == 400 then s400 = s400 + 1
  elseif status == 429 then s429 = s429 + 1
  else other = other + 1 end
  if answered >= #requests then
    last = now_ms()
    if marker and id == counter - 1 then
      local f = io.open(marker, "w")
      f:write("done\n")
      f:close()
    end
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local t = {s200 = 0, s400 = 0, s429 = 0, s403 = 0, other = 0, answered = 0}
  local first_all, last_all = nil, 0
  for _, th in ipairs(threads) do
    for key, _ in pairs(t) do t[key] = t[key] + th:get(key) end
    local f, l = th:get("first"), th:get("last")
    if f > 0 and (first_all == nil or f < first_all) then first_all = f end
    if l > last_all then last_all = l end
  end
  local seconds = summary.duration / 1e6
  if first_all ~= nil and last_all > 0 then seconds = (last_all - first_all) / 1000 end
  io.write(string.format("WRK requests=%d seconds=%.3f s200=%d s400=%d s429=%d s403=%d other=%d errors=%d "
    .. "p50ms=%.1f p90ms=%.1f p99ms=%.1f maxms=%.1f\n",
    t.answered, seconds, t.s200, t.s400, t.s429, t.s403, t.other,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
