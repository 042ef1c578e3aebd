#!/bin/sh
# A warroom hook: trigger a PagerDuty incident (Events API v2) for what warroom
# recorded. Set PAGERDUTY_ROUTING_KEY; the event's id is the dedup key, so a retry
# or a second delivery never pages twice.
#   [[hooks]]
#   name = "pagerduty"
#   on = ["paged", "declared"]
#   command = ["/path/to/pagerduty.sh"]
set -eu
: "${PAGERDUTY_ROUTING_KEY:?set PAGERDUTY_ROUTING_KEY}"
# One line, JSON-escaped: the incident's title and severity, then what happened.
summary=$(printf '[%s] %s: %s' "$WARROOM_SEVERITY" "$WARROOM_TITLE" "$WARROOM_TEXT" \
  | tr '\n\r\t' '   ' | head -c 1000 | sed 's/\\/\\\\/g; s/"/\\"/g')
curl --fail --silent --show-error --max-time 20 \
  -H 'Content-Type: application/json' \
  -d "{\"routing_key\": \"$PAGERDUTY_ROUTING_KEY\", \"event_action\": \"trigger\", \"dedup_key\": \"$WARROOM_DEDUP_KEY\", \"payload\": {\"summary\": \"$summary\", \"source\": \"warroom\", \"severity\": \"critical\", \"custom_details\": {\"incident\": \"$WARROOM_INCIDENT\", \"kind\": \"$WARROOM_EVENT_KIND\"}}}" \
  https://events.pagerduty.com/v2/enqueue > /dev/null
