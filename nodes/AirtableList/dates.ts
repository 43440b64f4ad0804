/**
 * Dates for the List node without a date library (the package has no runtime dependencies):
 * ISO 8601 text read as an instant, text without an offset read in a time zone through Intl,
 * and the date objects n8n expressions hand over (luxon's DateTime, JavaScript's Date).
 */

/** `2024-05`, `2024-05-01`, `…T09`, `…T09:30`, `…T09:30:15.250`, each with an optional `Z` / `±hh:mm` / `±hhmm` / `±hh`. */
const ISO_DATE_TIME =
	/^(\d{4})-(\d{2})(?:-(\d{2}))?(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** The offset of a time zone from UTC at an instant, in ms (positive east of Greenwich). */
function zoneOffsetMs(instant: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
	}).formatToParts(new Date(instant));
	const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
	const wallAsUtc = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
	return wallAsUtc - (instant - (((instant % 1000) + 1000) % 1000));
}

/**
 * The instant a wall-clock time names in a time zone. The offsets in force half a day before
 * and after are the candidates (a zone changes its offset at most once in between): a wall
 * time that exists twice (clocks set back) is the earlier instant; one that does not exist
 * (clocks set forward) moves forward by the gap (Temporal's "compatible" reading; luxon's
 * choice for a repeated hour depended on the date it ran).
 */
function wallTimeToInstant(wallAsUtc: number, timeZone: string): number {
	const halfDay = 12 * 60 * 60_000;
	const offsets = [zoneOffsetMs(wallAsUtc - halfDay, timeZone), zoneOffsetMs(wallAsUtc + halfDay, timeZone)];
	const instants = offsets.map((offset) => wallAsUtc - offset).filter((instant, i) => zoneOffsetMs(instant, timeZone) === offsets[i]);
	return instants.length ? Math.min(...instants) : wallAsUtc - Math.min(...offsets);
}

function offsetMs(zone: string): number {
	if (zone.toUpperCase() === 'Z') return 0;
	const sign = zone.startsWith('-') ? -1 : 1;
	const digits = zone.slice(1).replace(':', '');
	return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0)) * 60_000;
}

/**
 * Milliseconds since the epoch for ISO 8601 text, or undefined when it is not a valid date.
 * Text without an offset is read in `timeZone` (an IANA name such as `Europe/Berlin`).
 */
export function parseIsoDate(text: string, timeZone: string): number | undefined {
	const match = ISO_DATE_TIME.exec(text.trim());
	if (!match) return undefined;
	const [, year, month, day = '01', hour = '00', minute = '00', second = '00', fraction = '', zone] = match;
	const numbers = [year, month, day, hour, minute, second].map(Number);
	const [y, mo, d, h, mi, s] = numbers;
	const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
	const wallAsUtc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
	// Date.UTC rolls 2024-02-30 over into March: a date that does not exist is not a date.
	const check = new Date(wallAsUtc);
	if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
		return undefined;
	}
	if (zone) return wallAsUtc - offsetMs(zone);
	try {
		return wallTimeToInstant(wallAsUtc, timeZone);
	} catch {
		// Intl throws a RangeError for a time zone it does not know.
		return undefined;
	}
}

/** luxon's DateTime as n8n expressions produce it (`$now`, `$today`, `DateTime.fromISO(…)`), without importing luxon. */
interface DateTimeLike {
	isValid: boolean;
	toMillis(): number;
}

function isDateTimeLike(value: unknown): value is DateTimeLike {
	const candidate = value as Partial<DateTimeLike> | null;
	return typeof candidate === 'object' && candidate !== null && typeof candidate.toMillis === 'function' && typeof candidate.isValid === 'boolean';
}

/**
 * Milliseconds since the epoch for what a date parameter may hold: ISO text (read in
 * `timeZone` when it has no offset), a number of ms, a Date or an n8n expression's DateTime.
 */
export function toInstant(value: unknown, timeZone: string): number | undefined {
	let instant: number | undefined;
	if (isDateTimeLike(value)) instant = value.isValid ? value.toMillis() : undefined;
	else if (value instanceof Date) instant = value.getTime();
	else if (typeof value === 'number') instant = value;
	else if (typeof value === 'string' && value.trim()) instant = parseIsoDate(value, timeZone);
	return instant !== undefined && Number.isFinite(instant) && Math.abs(instant) <= 8.64e15 ? instant : undefined;
}

/** The UTC ISO form Airtable formulas and the node's saved state use: `2024-05-01T07:30:00.000Z`. */
export function utcIso(instant: number): string {
	return new Date(instant).toISOString();
}
