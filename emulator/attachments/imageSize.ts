/** Pixel size of PNG, GIF and JPEG images (what Airtable reports as width/height), else undefined. */
export function imageSize(data: Buffer): { width: number; height: number } | undefined {
	if (data.length >= 24 && data.readUInt32BE(0) === 0x89504e47 && data.toString('ascii', 12, 16) === 'IHDR') {
		return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
	}
	if (data.length >= 10 && data.toString('ascii', 0, 3) === 'GIF') {
		return { width: data.readUInt16LE(6), height: data.readUInt16LE(8) };
	}
	if (data.length >= 4 && data[0] === 0xff && data[1] === 0xd8) return jpegSize(data);
	return undefined;
}

/** Walks JPEG segments to the first start-of-frame marker, which holds height then width. */
function jpegSize(data: Buffer): { width: number; height: number } | undefined {
	let offset = 2;
	while (offset + 9 < data.length) {
		if (data[offset] !== 0xff) return undefined;
		const marker = data[offset + 1];
		const length = data.readUInt16BE(offset + 2);
		const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
		if (isFrame) return { height: data.readUInt16BE(offset + 5), width: data.readUInt16BE(offset + 7) };
		offset += 2 + length;
	}
	return undefined;
}
