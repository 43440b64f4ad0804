/** A formula that cannot be compiled; the server turns it into 422 INVALID_FILTER_BY_FORMULA. */
export class FormulaSyntaxError extends Error {
	constructor(
		message: string,
		readonly position?: number,
	) {
		super(position === undefined ? message : `${message} at position ${position}`);
	}
}
