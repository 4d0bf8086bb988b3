-- Network dashboard: the counts of the newest snapshot in the time range.
select pilots, controllers, atis, prefiles, connected_clients, unique_users
from snapshots
where $__timeFilter(update_timestamp)
order by update_timestamp desc
limit 1
