-- bench/browse.lua: signed-in officers browsing the household list, for wrk (used by
-- bench/province; wrk comes from apt). Every connection is one client: it views a list page (a
-- random sort, direction, page 1-40, sometimes a search; one view in four is the rendered page a
-- browser loads, the others the list call the page makes once hydrated), then reads it for
-- THINK_MIN_MS to THINK_MAX_MS before the next view (both 0: no pause, the machine saturated).
--
--   KH_COOKIES=cookies.txt THINK_MIN_MS=2000 THINK_MAX_MS=8000 \
--     wrk -t2 -c500 -d60s --timeout 10s -s bench/browse.lua URL
--
-- cookies.txt holds one `kh_session=...` per line; clients share them in turn. done() prints
-- one line, `browse: <views> <seconds> <errors> <p50 ms> <p99 ms> <max ms>`, that
-- bench/province reads.

local sorts = { "", "village", "members", "code", "updated" }
local searches = { "", "", "", "nguyen van", "tran thi", "le", "0912" }
local cookies = {}
local think_min = tonumber(os.getenv("THINK_MIN_MS") or "2000")
local think_max = tonumber(os.getenv("THINK_MAX_MS") or "8000")
local threads = {}

for line in io.lines(os.getenv("KH_COOKIES")) do
  if line ~= "" then
    cookies[#cookies + 1] = line
  end
end

function setup(thread)
  thread:set("id", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  math.randomseed(7 * (id or 1))
  bad = 0
end

local function pick(list)
  return list[math.random(#list)]
end

function request()
  local sort, desc, page = pick(sorts), math.random() < 0.3, math.random(40)
  local q = pick(searches)
  local headers = { Cookie = pick(cookies) }
  if math.random() < 0.25 then
    headers["Accept"] = "text/html"
    local path = string.format("/ho-gia-dinh?sort=%s&desc=%s&page=%d&q=%s",
      sort, desc and "1" or "0", page, (q:gsub(" ", "+")))
    return wrk.format("GET", path, headers)
  end
  headers["Content-Type"] = "application/json"
  local body = string.format(
    '{"query":{"q":"%s","unit_id":null,"sort":"%s","desc":%s,"page":%d,"per_page":25,' ..
    '"include_inactive":false}}', q, sort, tostring(desc), page)
  return wrk.format("POST", "/api/households/list", headers, body)
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  end
end

function delay()
  if think_max <= 0 then
    return 0
  end
  return think_min + math.random(think_max - think_min)
end

function done(summary, latency, requests)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.timeout
  for _, thread in ipairs(threads) do
    failed = failed + (thread:get("bad") or 0)
  end
  io.write(string.format("browse: %d %.2f %d %.1f %.1f %.1f\n", summary.requests,
    summary.duration / 1e6, failed, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
