-- wrk script for bench/soak.sh: each connection cycles through three requests — an Open
-- Inference Protocol JSON request (iris), the same row with the binary tensor extension, and a
-- text for the review classifier through :predict — with the API key in $KEY.
local key = os.getenv("KEY")
local json_body = '{"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}'
local header = '{"inputs": [{"name": "input", "shape": [1, 4], "datatype": "FP32", "parameters": {"binary_data_size": 16}}]}'
-- 5.9, 3.0, 5.1, 1.8 as little-endian float32 (wrk's LuaJIT has no string.pack).
local floats = "\205\204\188\64\0\0\64\64\51\51\163\64\102\102\230\63"
local texts = { '{"instances": [{"review": "great taste and fresh, would buy again"}]}',
                '{"instances": [{"review": "stale, bland and overpriced"}]}' }
local only = tonumber(os.getenv("ONLY_KIND") or "")  -- 0, 1 or 2: one kind alone (to find a leak)
local counter = 0
request = function()
  counter = counter + 1
  local kind = only or counter % 3
  if kind == 0 then
    return wrk.format("POST", "/v2/models/iris/infer", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }, json_body)
  elseif kind == 1 then
    return wrk.format("POST", "/v2/models/iris/infer", { ["Content-Type"] = "application/octet-stream", ["Authorization"] = "Bearer " .. key,
                                                       ["Inference-Header-Content-Length"] = tostring(#header) }, header .. floats)
  else
    return wrk.format("POST", "/v1/models/reviews:predict", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key },
                      texts[math.floor(counter / 3) % 2 + 1])
  end
end
