#!/bin/sh
# A warroom hook: mail what warroom recorded with sendmail. Set MAIL_TO. The event's
# id is the Message-ID, so a retried delivery is the same message to a mail server
# that drops duplicates.
#   [[hooks]]
#   name = "mail"
#   on = ["update_executives", "declared", "resolved"]
#   command = ["/path/to/sendmail.sh"]
set -eu
: "${MAIL_TO:?set MAIL_TO}"
{
  printf 'To: %s\n' "$MAIL_TO"
  printf 'Subject: [warroom] %s\n' "$(printf '%s' "$WARROOM_TEXT" | head -c 120)"
  printf 'Message-ID: <%s@warroom>\n' "$WARROOM_DEDUP_KEY"
  printf 'Content-Type: text/plain; charset=utf-8\n\n'
  printf '%s\n\nincident %s, event %s\n' "$WARROOM_TEXT" "$WARROOM_INCIDENT" "$WARROOM_DEDUP_KEY"
} | sendmail -t
