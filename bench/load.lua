-- wrk script for bench/load.sh.
--   wrk ... -s bench/load.lua URL -- healthz          every request is GET /healthz
--   wrk ... -s bench/load.lua URL -- REQUESTS.tsv     rotates through the request list
-- REQUESTS.tsv holds `kind<TAB>method<TAB>path<TAB>token or -<TAB>JSON body or -` lines
-- (written by bench/load_requests.py). A token is sent as `Authorization: Bearer …`, a body
-- with `Content-Type: application/json`. Every request is formatted once, in init, in both
-- modes, and both modes run the same Lua per request and per response, so the two figures
-- carry the same client cost. At the end it prints `statuses: total N non2xx N 429 N` over
-- all threads, and which statuses the non-2xx answers had.

local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   reqs = {}
   non2xx = 0
   limited = 0
   seen = 0
   codes = {}
   local source = args[1] or "healthz"
   if source == "healthz" then
      reqs[1] = wrk.format("GET", "/healthz", {})
   else
      local file = assert(io.open(source, "r"))
      for line in file:lines() do
         local kind, method, path, token, body =
            line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)\t(.+)$")
         if kind then
            local headers = {}
            if token ~= "-" then
               headers["Authorization"] = "Bearer " .. token
            end
            if body == "-" then
               body = nil
            else
               headers["Content-Type"] = "application/json"
            end
            reqs[#reqs + 1] = wrk.format(method, path, headers, body)
         end
      end
      file:close()
      assert(#reqs > 0, "no requests in " .. source)
   end
   -- Each thread starts at its own place in the list, then goes round it.
   n = (id * 7919) % #reqs
end

function request()
   n = n % #reqs + 1
   return reqs[n]
end

function response(status, headers, body)
   seen = seen + 1
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      codes[status] = (codes[status] or 0) + 1
      if status == 429 then
         limited = limited + 1
      end
   end
end

function done(summary, latency, requests)
   local total, bad, too_many = 0, 0, 0
   local by_code = {}
   for _, thread in ipairs(threads) do
      total = total + thread:get("seen")
      bad = bad + thread:get("non2xx")
      too_many = too_many + thread:get("limited")
      for code, count in pairs(thread:get("codes")) do
         by_code[code] = (by_code[code] or 0) + count
      end
   end
   io.write(string.format("statuses: total %d non2xx %d 429 %d\n", total, bad, too_many))
   local listed = {}
   for code, count in pairs(by_code) do
      listed[#listed + 1] = string.format("%d×%d", count, code)
   end
   if #listed > 0 then
      table.sort(listed)
      io.write("non-2xx statuses: " .. table.concat(listed, " ") .. "\n")
   end
end
