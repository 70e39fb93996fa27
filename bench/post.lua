-- wrk script: one form POST repeated. Env: BENCH_BODY, BENCH_AUTH (Authorization header value),
-- BENCH_COOKIE, BENCH_EXPECT (status counted as success, default 200).
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local auth = os.getenv("BENCH_AUTH")
if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
local cookie = os.getenv("BENCH_COOKIE")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
local expect = tonumber(os.getenv("BENCH_EXPECT") or "200")
local bad = 0
response = function(status, headers, body)
  if status ~= expect then
    bad = bad + 1
    if bad <= 3 then print("unexpected " .. status .. ": " .. string.sub(body, 1, 200)) end
  end
end
