-- Shared by every case of bench/run.sh. Counts non-2xx responses per thread (wrk's own
-- "Non-2xx or 3xx" count lets redirects through), optionally rotates through several
-- (method, path, token) targets from BENCH_TARGETS (a file of "METHOD PATH TOKEN" lines) and
-- sends BENCH_BODY (a file) with POSTs. done() prints one machine-readable RESULT line.
local threads = {}
local targets = {}
local body = nil

local function read_file(path)
  local f = assert(io.open(path, "r"))
  local s = f:read("*a")
  f:close()
  return s
end

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  non2xx = 0
  responses = 0
  counter = id or 0
  local tf = os.getenv("BENCH_TARGETS")
  if tf and tf ~= "" then
    for line in io.lines(tf) do
      local m, p, t = line:match("^(%S+)%s+(%S+)%s*(%S*)$")
      if m then table.insert(targets, { method = m, path = p, token = t }) end
    end
  end
  local bf = os.getenv("BENCH_BODY")
  if bf and bf ~= "" then body = read_file(bf) end
  local token = os.getenv("BENCH_TOKEN")
  if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
  if body then
    wrk.headers["Content-Type"] = "application/json"
  end
end

function request()
  if #targets == 0 then
    return wrk.format(os.getenv("BENCH_METHOD") or "GET", nil, nil, body)
  end
  counter = counter + 1
  local t = targets[(counter % #targets) + 1]
  local headers = {}
  if t.token ~= "" then headers["Authorization"] = "Bearer " .. t.token end
  if body then headers["Content-Type"] = "application/json" end
  return wrk.format(t.method, t.path, headers, t.method == "POST" and (body or "") or nil)
end

function response(status, headers, b)
  responses = responses + 1
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if non2xx <= 3 then io.stderr:write("non-2xx: " .. status .. "\n") end
  end
end

function done(summary, latency, requests)
  local bad = 0
  local seen = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
    seen = seen + (thread:get("responses") or 0)
  end
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT %.1f %.3f %.3f %d %d %d\n",
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    bad, socket, summary.requests))
end
