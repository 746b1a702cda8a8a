-- wrk script for bench/public_check.sh.
--   wrk ... -s bench/public_check.lua URL -- healthz          every request is GET /healthz
--   wrk ... -s bench/public_check.lua URL -- QUERIES.tsv      rotates through the queries
-- QUERIES.tsv holds `kind<TAB>path` lines (written by public_check_seed). Both modes run the
-- same Lua per request and per response, so the two figures carry the same client cost.
-- At the end it prints `statuses: total N non200 N 429 N` over all threads.

local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   paths = {}
   non200 = 0
   limited = 0
   seen = 0
   local source = args[1] or "healthz"
   if source == "healthz" then
      paths[1] = "/healthz"
   else
      local file = assert(io.open(source, "r"))
      for line in file:lines() do
         local path = line:match("^[^\t]*\t(.+)$")
         if path then
            paths[#paths + 1] = path
         end
      end
      file:close()
      assert(#paths > 0, "no queries in " .. source)
   end
   -- Each thread starts at its own place in the list, then goes round it.
   n = (id * 7919) % #paths
end

function request()
   n = n % #paths + 1
   return wrk.format("GET", paths[n])
end

function response(status, headers, body)
   seen = seen + 1
   if status ~= 200 then
      non200 = non200 + 1
      if status == 429 then
         limited = limited + 1
      end
   end
end

function done(summary, latency, requests)
   local total, bad, too_many = 0, 0, 0
   for _, thread in ipairs(threads) do
      total = total + thread:get("seen")
      bad = bad + thread:get("non200")
      too_many = too_many + thread:get("limited")
   end
   io.write(string.format("statuses: total %d non200 %d 429 %d\n", total, bad, too_many))
end
