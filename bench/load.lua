-- wrk script: ministry staff browsing and filtering the tracker, one signed-in session.
-- The session cookie comes from bench/load.sh (environment variable TRACKER_COOKIE).
local paths = {
  "/",
  "/recommendations/",
  "/recommendations/?province=22&province=38&status=in_progress&status=assigned",
  "/recommendations/?q=dao+tao",
  "/recommendations/?q=so+huu+tri+tue&state=open",
  "/recommendations/?overdue=yes&ordering=due",
  "/recommendations/?page=200",
  "/recommendations/?theme=legal&ordering=-priority",
  "/provinces/",
  "/provinces/thanh-hoa/",
  "/obstacles/",
  "/obstacles/?q=nhan+luc",
  "/delegations/",
}
local detail_ids = {}
for id in string.gmatch(os.getenv("TRACKER_DETAIL_IDS") or "", "%d+") do
  table.insert(detail_ids, id)
end

-- THINK_MS: a pause before each request of a connection, as a person reads the page (0 = as
-- fast as the server answers: a stress test, not people).
local think_ms = tonumber(os.getenv("THINK_MS") or "0")
if think_ms > 0 then
  delay = function() return math.random(think_ms / 2, think_ms * 3 / 2) end
end

local counter = 0
wrk.headers["Cookie"] = os.getenv("TRACKER_COOKIE")

request = function()
  counter = counter + 1
  local path
  if #detail_ids > 0 and counter % 4 == 0 then
    path = "/recommendations/" .. detail_ids[(counter / 4) % #detail_ids + 1] .. "/"
  else
    path = paths[counter % #paths + 1]
  end
  return wrk.format("GET", path)
end

local errors = 0
response = function(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    if errors <= 5 then io.stderr:write("HTTP " .. status .. "\n") end
  end
end

done = function(summary, latency, requests)
  local non_200 = summary.errors.status
  io.write(string.format(
    "requests %d in %.1f s (%.1f/s); p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms; " ..
    "non-200 %d, socket errors %d connect, %d read, %d write, %d timeout\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    non_200, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout))
end
