-- Notifications of [from, to) (HA duplicates once) in sleep hours ({sh},
-- {sh_default}: UTC intervals per receiver, see workhours). Working hours
-- come from the noise query the review runs anyway.
SELECT countIf(arrayExists(iv -> received_at >= iv.1 AND received_at < iv.2,
           if(mapContains({sh:Map(String, Array(Tuple(DateTime64(3, 'UTC'), DateTime64(3, 'UTC'))))}, toString(receiver)),
              {sh:Map(String, Array(Tuple(DateTime64(3, 'UTC'), DateTime64(3, 'UTC'))))}[toString(receiver)],
              {sh_default:Array(Tuple(DateTime64(3, 'UTC'), DateTime64(3, 'UTC')))}))) AS sleep_hours
FROM {{template "counted" (scan . "from" "to" false)}}
WHERE {{template "notified_in_window"}}
  AND {{.Match}}
