-- wrk script for bench/run.py: cycles through the requests of a file, bounded in count.
--
--   wrk -t2 -c32 -d15s -s bench/wrk/requests.lua http://127.0.0.1:8701 -- FILE TOKEN MAX
--
-- FILE has one request per line, tab-separated: METHOD, PATH, BODY ("-" for none) and extra
-- headers ("-" or "Name: value|Name: value"). "{{n}}" in a path, body or header becomes a
-- number unique to this run (idempotency keys, amounts). TOKEN ("-" for none) is sent as a
-- bearer token. Each thread stops after MAX / threads responses; wrk stops at -d anyway.
-- BENCH_PACE_MS (environment), when set, makes every connection wait after each response
-- before its next request, a random time of that mean (uniform over 0..2x, so the tills do
-- not fall into step): a till whose clerk pauses, not a client in a tight loop.
-- done() prints one JSON line: requests, seconds, errors, latency percentiles (microseconds).

local threads = {}
local pace = tonumber(os.getenv("BENCH_PACE_MS") or "0") or 0
if pace > 0 then
  function delay()
    return math.random(0, 2 * pace)
  end
end
local counter = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

local function split(text, sep)
  local parts = {}
  for part in string.gmatch(text, "([^" .. sep .. "]+)") do
    table.insert(parts, part)
  end
  return parts
end

function init(args)
  local file = args[1]
  token = args[2]
  local max = tonumber(args[3] or "0") or 0
  local nthreads = tonumber(os.getenv("WRK_THREADS") or "2")
  limit = math.ceil(max / nthreads)
  run = tostring(os.getenv("BENCH_RUN_ID") or os.time())
  lines = {}
  for line in io.lines(file) do
    if #line > 0 then
      table.insert(lines, split(line, "\t"))
    end
  end
  math.randomseed(os.time() + (id or 1))
  stride = nthreads
  position = (id or 1) - 1
  responses = 0
  non2xx = 0
end

local function fill(text, n)
  return (string.gsub(text, "{{n}}", n))
end

function request()
  counter = counter + 1
  position = position + stride
  local entry = lines[(position % #lines) + 1]
  local n = run .. "-" .. tostring(id or 1) .. "-" .. tostring(counter)
  local headers = {}
  if token ~= nil and token ~= "-" then
    headers["Authorization"] = "Bearer " .. token
  end
  local body = nil
  if entry[3] ~= nil and entry[3] ~= "-" then
    body = fill(entry[3], n)
    headers["Content-Type"] = "application/json"
  end
  if entry[4] ~= nil and entry[4] ~= "-" then
    for _, pair in ipairs(split(entry[4], "|")) do
      local name, value = string.match(pair, "^([^:]+):%s*(.*)$")
      headers[name] = fill(value, n)
    end
  end
  return wrk.format(entry[1], fill(entry[2], n), headers, body)
end

function response(status, headers, body)
  responses = responses + 1
  if status >= 400 then
    non2xx = non2xx + 1
    if non2xx <= 3 then
      io.stderr:write("status " .. status .. ": " .. string.sub(body or "", 1, 300) .. "\n")
    end
  end
  if limit > 0 and responses >= limit then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.timeout + errors.status
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "errors": %d, "status_errors": %d, "timeouts": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration / 1e6, failed, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean))
end
