/** Date helpers shared by the formula functions and cellFormat=string rendering. */

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** ISO dates/timestamps (what the API stores and accepts); date-only values are UTC midnight. */
export function parseDateLoose(text: string): Date | null {
	const trimmed = text.trim();
	if (!trimmed) return null;
	if (ISO_DATE.test(trimmed)) return new Date(`${trimmed}T00:00:00.000Z`);
	if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(trimmed)) {
		const normalized = trimmed.replace(' ', 'T');
		const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(normalized);
		const ms = Date.parse(hasZone ? normalized : `${normalized}Z`);
		return Number.isNaN(ms) ? null : new Date(ms);
	}
	const ms = Date.parse(trimmed);
	return Number.isNaN(ms) ? null : new Date(ms);
}

const FORMAT_TOKENS: Array<[string, string, string]> = [
	['YYYY', '(\\d{4})', 'year'],
	['YY', '(\\d{2})', 'year2'],
	['MM', '(\\d{2})', 'month'],
	['M', '(\\d{1,2})', 'month'],
	['DD', '(\\d{2})', 'day'],
	['D', '(\\d{1,2})', 'day'],
	['HH', '(\\d{2})', 'hour'],
	['H', '(\\d{1,2})', 'hour'],
	['hh', '(\\d{2})', 'hour12'],
	['h', '(\\d{1,2})', 'hour12'],
	['mm', '(\\d{2})', 'minute'],
	['ss', '(\\d{2})', 'second'],
	['A', '(AM|PM|am|pm)', 'ampm'],
	['a', '(AM|PM|am|pm)', 'ampm'],
	['x', '(\\d+)', 'unixMs'],
	['X', '(\\d+)', 'unixS'],
];

/** DATETIME_PARSE with a moment-style format (the token subset people use); result in UTC. */
export function parseWithFormat(text: string, format: string): Date | null {
	let pattern = '';
	const parts: string[] = [];
	let i = 0;
	while (i < format.length) {
		const token = FORMAT_TOKENS.find(([t]) => format.startsWith(t, i));
		if (token) {
			pattern += token[1];
			parts.push(token[2]);
			i += token[0].length;
		} else {
			pattern += format[i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			i++;
		}
	}
	const match = new RegExp(`^${pattern}$`).exec(text.trim());
	if (!match) return null;
	const v: Record<string, string> = {};
	parts.forEach((name, index) => (v[name] = match[index + 1]));
	if (v.unixMs) return new Date(Number(v.unixMs));
	if (v.unixS) return new Date(Number(v.unixS) * 1000);
	const year = v.year ? Number(v.year) : v.year2 ? 2000 + Number(v.year2) : 1970;
	let hour = v.hour ? Number(v.hour) : v.hour12 ? Number(v.hour12) % 12 : 0;
	if (v.ampm && v.ampm.toLowerCase() === 'pm') hour += 12;
	const ms = Date.UTC(year, (v.month ? Number(v.month) : 1) - 1, v.day ? Number(v.day) : 1, hour, Number(v.minute ?? 0), Number(v.second ?? 0));
	return Number.isNaN(ms) ? null : new Date(ms);
}

interface ZonedParts {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
}

function zonedParts(date: Date, timeZone: string): ZonedParts {
	const formatter = new Intl.DateTimeFormat('en-US', {
		timeZone,
		year: 'numeric',
		month: 'numeric',
		day: 'numeric',
		hour: 'numeric',
		minute: 'numeric',
		hourCycle: 'h23',
	});
	const out: Record<string, number> = {};
	for (const part of formatter.formatToParts(date)) {
		if (part.type !== 'literal') out[part.type] = Number(part.value);
	}
	return { year: out.year, month: out.month, day: out.day, hour: out.hour, minute: out.minute };
}

function pad(n: number): string {
	return String(n).padStart(2, '0');
}

/** Renders a date the way the field's dateFormat asks (Airtable's format names). */
export function formatDatePart(p: Pick<ZonedParts, 'year' | 'month' | 'day'>, format: string): string {
	switch (format) {
		case 'YYYY-MM-DD':
			return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
		case 'D/M/YYYY':
			return `${p.day}/${p.month}/${p.year}`;
		case 'LL':
			return new Date(Date.UTC(p.year, p.month - 1, p.day)).toLocaleDateString('en-US', {
				timeZone: 'UTC',
				year: 'numeric',
				month: 'long',
				day: 'numeric',
			});
		default:
			return `${p.month}/${p.day}/${p.year}`;
	}
}

export function formatDateTime(date: Date, timeZone: string, dateFormat: string, timeFormat: string): string {
	const p = zonedParts(date, timeZone);
	const datePart = formatDatePart(p, dateFormat);
	if (timeFormat === 'HH:mm') return `${datePart} ${pad(p.hour)}:${pad(p.minute)}`;
	const hour12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
	return `${datePart} ${hour12}:${pad(p.minute)}${p.hour < 12 ? 'am' : 'pm'}`;
}

export function isValidTimeZone(timeZone: string): boolean {
	try {
		new Intl.DateTimeFormat('en-US', { timeZone });
		return true;
	} catch {
		return false;
	}
}
