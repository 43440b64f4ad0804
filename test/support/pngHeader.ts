/**
 * A PNG that is only its signature and IHDR header (with the pixel size) plus filler bytes:
 * enough for anything that reads an image's size, and recognisable byte for byte.
 */
export function pngHeader(width: number, height: number, fillerBytes = 40): Buffer {
	const header = Buffer.alloc(24);
	Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(header, 0);
	header.writeUInt32BE(13, 8);
	header.write('IHDR', 12, 'ascii');
	header.writeUInt32BE(width, 16);
	header.writeUInt32BE(height, 20);
	return Buffer.concat([header, Buffer.alloc(fillerBytes, 9)]);
}
