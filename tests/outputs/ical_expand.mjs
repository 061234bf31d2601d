// Expand every event in .ics files with Mozilla's ical.js (the engine inside Thunderbird).
//
// Usage: node ical_expand.mjs UNTIL_UTC FILE.ics...
// Prints JSON {"<file>": {"occurrences": [...], "errors": [...]}}; each occurrence has its
// UID, summary, status and start/end both as local wall time and in UTC (null when floating
// or all-day). Expansion starts at each series' DTSTART, so the caller picks its own window.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

// A runaway RRULE must not hang the test run.
const MAX_PER_SERIES = 20000;

// A TZID without a matching VTIMEZONE leaves ical.js a bare name and a floating zone;
// report it rather than silently comparing floating times.
function checkZone(uid, time) {
  if (time && time.timezone && time.zone === ICAL.Timezone.localTimezone) {
    throw new Error(`${uid}: TZID ${time.timezone} has no VTIMEZONE in the file`);
  }
}

function describe(time) {
  const local = time.toString().replace(/Z$/, "");
  const floating = time.isDate || !time.zone || time.zone === ICAL.Timezone.localTimezone;
  const utc = floating
    ? null
    : time.convertToZone(ICAL.Timezone.utcTimezone).toString();
  return { local, utc };
}

function occurrence(event, details) {
  const item = details.item;
  const start = describe(details.startDate);
  const end = describe(details.endDate);
  return {
    uid: event.uid,
    summary: item.summary,
    status: item.component.getFirstPropertyValue("status"),
    start_local: start.local,
    start_utc: start.utc,
    end_local: end.local,
    end_utc: end.utc,
  };
}

function expand(event, until) {
  const found = [];
  if (!event.isRecurring()) {
    found.push(occurrence(event, event.getOccurrenceDetails(event.startDate)));
    return found;
  }
  const it = event.iterator();
  for (let next = it.next(); next; next = it.next()) {
    if (next.compare(until) > 0) break;
    found.push(occurrence(event, event.getOccurrenceDetails(next)));
    if (found.length >= MAX_PER_SERIES) throw new Error(`${event.uid}: over ${MAX_PER_SERIES} occurrences`);
  }
  return found;
}

function calendars(text) {
  const parsed = ICAL.parse(text);
  // One VCALENDAR parses to a jCal array; several to an array of them.
  const list = typeof parsed[0] === "string" ? [parsed] : parsed;
  return list.map((jcal) => new ICAL.Component(jcal));
}

function expandFile(path, until) {
  const result = { occurrences: [], errors: [] };
  try {
    for (const vcal of calendars(readFileSync(path, "utf8"))) {
      const vevents = vcal.getAllSubcomponents("vevent");
      const masters = vevents.filter((c) => !c.hasProperty("recurrence-id"));
      for (const master of masters) {
        const event = new ICAL.Event(master);
        checkZone(event.uid, event.startDate);
        checkZone(event.uid, event.endDate);
        // Overrides (RECURRENCE-ID) of this series, as Thunderbird relates them.
        for (const c of vevents) {
          if (c !== master && c.getFirstPropertyValue("uid") === event.uid) {
            const exception = new ICAL.Event(c);
            checkZone(event.uid, exception.startDate);
            checkZone(event.uid, exception.endDate);
            event.relateException(exception);
          }
        }
        result.occurrences.push(...expand(event, until));
      }
    }
  } catch (err) {
    result.errors.push(String(err && err.message ? err.message : err));
  }
  return result;
}

const [untilArg, ...files] = process.argv.slice(2);
if (!untilArg || files.length === 0) {
  console.error("usage: node ical_expand.mjs UNTIL_UTC FILE.ics...");
  process.exit(2);
}
const until = ICAL.Time.fromDateTimeString(untilArg);
const out = {};
for (const path of files) out[path] = expandFile(path, until);
process.stdout.write(JSON.stringify(out));
