-- wrk script: POST the file in $BODY with the API key in $KEY (and, for the binary tensor
-- extension, the JSON header length in $HEADER_LENGTH).
wrk.method = "POST"
wrk.headers["Content-Type"] = os.getenv("CONTENT_TYPE") or "application/json"
local key = os.getenv("KEY")
if key and key ~= "" then wrk.headers["Authorization"] = "Bearer " .. key end
local header_length = os.getenv("HEADER_LENGTH")
if header_length and header_length ~= "" then wrk.headers["Inference-Header-Content-Length"] = header_length end
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
