import {createRequire} from 'node:module';
import {TokenError} from './errors.js';
import {quoteTyped} from './typed-text.js';

type IpAddr = typeof import('ipaddr.js');
let ipaddrModule: IpAddr | undefined;
/** Loaded on first use: most commands never look at an address, and every start pays for imports. */
const ipaddr = (): IpAddr => (ipaddrModule ??= createRequire(import.meta.url)('ipaddr.js') as IpAddr);

/**
 * ipaddr.js (EmailEngine's matcher) reads more than a person does: `010.0.0.1` is octal, 8.0.0.1;
 * `0x0a.0.0.1`, `10.1` and `167772161` are all 10.0.0.1; `00001::1` and `1:2:3:4:5:6:7::8` pass;
 * `/08` is a prefix; `fe80::1%eth0` keeps a zone no client address carries. So an entry must first
 * be in the one form everyone reads alike: IPv4 as four decimal numbers 0-255 without leading zeros,
 * IPv6 as RFC 4291 text (groups of 1-4 hex digits, at most one `::` standing for at least one
 * group, an optional dotted IPv4 tail), no zone, and a prefix in plain decimal within the family's
 * width. Only then does ipaddr.js get to parse it.
 */
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const HEXTET = /^[\da-f]{1,4}$/i;
const PREFIX = /^(?:0|[1-9]\d{0,2})$/;

function isPlainIpv6(text: string): boolean {
	const halves = text.split('::');
	if (halves.length > 2) {
		return false;
	}

	const groups = halves.map(half => (half === '' ? [] : half.split(':')));
	const all = groups.flat();
	// A dotted IPv4 tail is only allowed as the very last thing written.
	const tail = halves.length === 1 || groups[1]!.length > 0 ? all.at(-1) : undefined;
	let count = 0;
	for (const [index, group] of all.entries()) {
		if (index === all.length - 1 && group === tail && IPV4.test(group)) {
			count += 2;
		} else if (HEXTET.test(group)) {
			count++;
		} else {
			return false;
		}
	}

	return halves.length === 2 ? count <= 7 : count === 8;
}

const usage = (message: string) => new TokenError('usage', message);

/**
 * Why a text is not an address or range in the one form everyone reads alike (see above), without
 * repeating the text; undefined when it is one. The REST schema and `--ip` both ask this.
 */
export function addressProblem(value: string): string | undefined {
	const text = value.trim();
	const [address = '', prefix, extra] = text.split('/');
	if (address.includes('%')) {
		return 'an IPv6 zone (%…) is not allowed; no client address carries one';
	}

	const family = IPV4.test(address) ? 4 : isPlainIpv6(address) ? 6 : undefined;
	if (family === undefined || extra !== undefined || !ipaddr().isValid(address)) {
		const dotted = address.split(':').at(-1)!;
		return dotted.includes('.') && /^[\d.]+$/.test(dotted) && /(?:^|\.)0\d/.test(dotted)
			? 'write IPv4 numbers without leading zeros (010 would be read as octal 8)'
			: 'use IPv4 as four decimal numbers (10.0.0.1) or IPv6 (2001:db8::1), optionally with /PREFIX';
	}

	if (prefix !== undefined && (!PREFIX.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128))) {
		return `the prefix after / is a decimal number from 0 to ${family === 4 ? 32 : 128}, without leading zeros`;
	}

	return undefined;
}

/** `--ip`: an IPv4/IPv6 address or a CIDR range, in a form that means the same to a person and to ipaddr.js. */
export function parseAddress(value: string): string {
	const text = value.trim();
	const problem = addressProblem(text);
	if (problem !== undefined) {
		throw usage(`Invalid IP address or CIDR range ${quoteTyped(text)}: ${problem}`);
	}

	return text;
}

export type IpAddress = import('ipaddr.js').IPv4 | import('ipaddr.js').IPv6;

/** Whether ipaddr.js reads a text as an address at all (no range): the test EmailEngine's matcher makes. */
export const isIpAddress = (text: string): boolean => ipaddr().isValid(text);

/**
 * An address as EmailEngine's matcher reads it (compatibility §6.5): ipaddr.js `process`, which
 * unwraps IPv4-mapped IPv6 (`::ffff:a.b.c.d`); undefined when it is no address.
 */
export function matchableAddress(text: string): IpAddress | undefined {
	try {
		return ipaddr().process(text);
	} catch {
		return undefined;
	}
}

/**
 * A CIDR range as the matcher reads it: a mapped range (`::ffff:10.0.0.0/104`) is the IPv4 range
 * 10.0.0.0/8 when its prefix covers the mapping, else no range at all; undefined when unparsable.
 */
export function matchableRange(text: string): [IpAddress, number] | undefined {
	try {
		const [address, bits] = ipaddr().parseCIDR(text);
		if (address.kind() === 'ipv6' && (address as import('ipaddr.js').IPv6).isIPv4MappedAddress()) {
			return bits >= 96 ? [(address as import('ipaddr.js').IPv6).toIPv4Address(), bits - 96] : undefined;
		}

		return [address, bits];
	} catch {
		return undefined;
	}
}

/**
 * Which family an allowlist entry lets through whole: `0.0.0.0/0` every IPv4 client, `::/0` every
 * IPv6 client, `::ffff:0:0/96` (IPv4-mapped, unwrapped by the matcher) every IPv4 client again.
 * Such an entry is accepted, but it restricts nothing for that family, and people are told so.
 */
export function familyAllowedWhole(entry: string): 'IPv4' | 'IPv6' | undefined {
	try {
		const [address, bits] = ipaddr().parseCIDR(entry.trim());
		if (bits === 0) {
			return address.kind() === 'ipv4' ? 'IPv4' : 'IPv6';
		}

		return address.kind() === 'ipv6' && bits === 96 && (address as import('ipaddr.js').IPv6).isIPv4MappedAddress() ? 'IPv4' : undefined;
	} catch {
		return undefined;
	}
}

/**
 * `--last-ip CIDR` (or one address): a test of whether an address text is in the range, as the
 * allowlist matcher reads both (matchableAddress, matchableRange); undefined when it is no range.
 */
export function rangeTest(text: string): ((address: string) => boolean) | undefined {
	const trimmed = text.trim();
	const single = matchableAddress(trimmed);
	const range = trimmed.includes('/') ? matchableRange(trimmed) : single && ([single, single.kind() === 'ipv4' ? 32 : 128] as const);
	if (!range) {
		return undefined;
	}

	const [network, bits] = range;
	return address => {
		const found = matchableAddress(address.trim());
		return found !== undefined && found.kind() === network.kind() && found.match(network, bits);
	};
}
