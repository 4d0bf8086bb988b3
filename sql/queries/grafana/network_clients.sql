-- Network dashboard: pilots, controllers, ATIS stations and prefiles on the network over time, the
-- highest count of each interval's snapshots (a peak is what the network had to carry).
select $__timeGroupAlias(update_timestamp, $__interval),
  max(pilots) as pilots, max(controllers) as controllers, max(atis) as atis, max(prefiles) as prefiles
from snapshots
where $__timeFilter(update_timestamp)
group by 1
order by 1
