/** Compatibility §0, verified against the libraries EmailEngine pins. */
export const VECTOR = {
	rawToken: '2aa97ad0456d6624a55d30780aa2ff61bfb7edc6fa00935b40814b271e718660',
	id: 'ea3873f9234fb3b8b700043373138c730c56fd2f7fa27dbcdc61d4c9c2b2df8d',
	wrongId: '8177d26c5e4d96e23d5da10554a5b2b7dde9a9970a6750a4b49d0a8fb079bc85',
	exportString:
		'hKJpZNlAZWEzODczZjkyMzRmYjNiOGI3MDAwNDMzNzMxMzhjNzMwYzU2ZmQyZjdmYTI3ZGJjZGM2MWQ0YzljMmIyZGY4ZKdjcmVhdGVk1_-UiOcAZ2lLVqZzY29wZXORoSqrZGVzY3JpcHRpb26qdGVzdCB0b2tlbg',
	created: Date.parse('2024-12-23T11:36:54.623Z'),
	storedHex: [
		'83',
		'a7',
		hex('created'),
		'cf',
		'00000193f34e4a5f',
		'a6',
		hex('scopes'),
		'91',
		'a1',
		hex('*'),
		'ab',
		hex('description'),
		'aa',
		hex('test token'),
	].join(''),
};

export function hex(text: string): string {
	return Buffer.from(text).toString('hex');
}
