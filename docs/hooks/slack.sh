#!/bin/sh
# A warroom hook: post what warroom recorded to a Slack incoming webhook. Set
# SLACK_WEBHOOK_URL. Slack has no dedup key for webhooks: the event's id is in the
# text, so a retried post can be told from a new one.
#   [[hooks]]
#   name = "slack"
#   on = ["update_responders", "update_executives", "declared", "resolved"]
#   command = ["/path/to/slack.sh"]
set -eu
: "${SLACK_WEBHOOK_URL:?set SLACK_WEBHOOK_URL}"
# One line, JSON-escaped.
text=$(printf '%s: %s' "$WARROOM_TITLE" "$WARROOM_TEXT" \
  | tr '\n\r\t' '   ' | head -c 3000 | sed 's/\\/\\\\/g; s/"/\\"/g')
curl --fail --silent --show-error --max-time 20 \
  -H 'Content-Type: application/json' \
  -d "{\"text\": \"[$WARROOM_EVENT_KIND] $text (warroom $WARROOM_DEDUP_KEY)\"}" \
  "$SLACK_WEBHOOK_URL" > /dev/null
