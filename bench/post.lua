-- wrk script: one POST repeated (a form, or with BENCH_AMZ_TARGET a Cognito API call). Env:
-- BENCH_BODY, BENCH_AUTH (Authorization header value), BENCH_COOKIE, BENCH_EXPECT (status
-- counted as success, default 200), BENCH_AMZ_TARGET (e.g. AWSCognitoIdentityProviderService.InitiateAuth),
-- BENCH_AMZ_DATE (with BENCH_AUTH, a request signed once with SigV4).
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
local target = os.getenv("BENCH_AMZ_TARGET")
if target and target ~= "" then
  wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
  wrk.headers["X-Amz-Target"] = target
  -- A signed admin call: the same signature is sent again and again (within its minutes).
  local date = os.getenv("BENCH_AMZ_DATE")
  if date and date ~= "" then wrk.headers["X-Amz-Date"] = date end
else
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
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
