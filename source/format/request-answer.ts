/**
 * The words of a "may this token make this request?" answer, as both front ends show it: `ee-tokens
 * can` prints them (commands/request-answer.ts makes them) and the app's request check draws them
 * (ui/state/request-check.ts asks for them). Types only: one shape for both.
 */

/** A request as the app's fields hold it: "METHOD PATH", the client address, the Referer header. */
export type RequestQuestion = {request: string; ip: string; referer: string};

/**
 * An answer in words: the verdict, then label and value pairs, already sanitised for a terminal
 * (the CLI pads them, the app aligns them).
 */
export type AnswerText = {allowed: boolean; headline: string; fields: Array<[string, string]>};

/**
 * One group of serve's routes that ask the same of a token (scope, action, group): allowed, or
 * refused, `verdict` then naming the check that refuses (scope, permission, address…).
 */
export type RouteAnswer = {allowed: boolean; routes: string; verdict: string};
