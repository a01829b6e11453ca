/**
 * Small validators for decoded (untrusted) values. Each one either returns
 * the value narrowed to its type or throws an {@link InvalidMessageError}
 * naming the offending field, so a schema reads as a list of calls.
 *
 * Lengths are counted in UTF-16 code units (JavaScript `string.length`).
 *
 * @module
 */

import { InvalidMessageError } from '../errors.js';

/** Throws an {@link InvalidMessageError} for `field`. Never returns. */
export function invalid(field: string, reason: string): never {
  throw new InvalidMessageError(`${field}: ${reason}`);
}

/** Short, safe description of a value's type for error messages (never echoes the value). */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Uint8Array) return 'binary';
  return typeof value;
}

/**
 * Expects a plain object (a decoded MessagePack map): not null, not an
 * array, not binary, with `Object.prototype` or `null` as prototype.
 */
export function expectRecord(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid(field, `expected a map, got ${describeType(value)}`);
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return invalid(field, 'expected a plain map');
  return value as Record<string, unknown>;
}

/** Reads an own property (never an inherited one such as `constructor`). */
export function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Expects a string of at most `maxLength` (and at least `minLength`, default 0) UTF-16 code units. */
export function expectString(value: unknown, field: string, maxLength: number, minLength = 0): string {
  if (typeof value !== 'string') return invalid(field, `expected a string, got ${describeType(value)}`);
  if (value.length > maxLength) return invalid(field, `longer than ${maxLength} characters`);
  if (value.length < minLength) return invalid(field, `shorter than ${minLength} characters`);
  return value;
}

/** True when `text` contains a C0 control character, DEL or a C1 control character. */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/**
 * Expects human-readable text (a display name): a string of `minLength`..`maxLength`
 * UTF-16 code units without control characters (no newlines, no NUL, no escape sequences).
 */
export function expectText(value: unknown, field: string, maxLength: number, minLength = 1): string {
  const text = expectString(value, field, maxLength, minLength);
  if (hasControlCharacters(text)) return invalid(field, 'contains control characters');
  return text;
}

/** Expects a string of `minLength`..`maxLength` code units matching `pattern` (which should be anchored). */
export function expectMatch(
  value: unknown,
  field: string,
  pattern: RegExp,
  maxLength: number,
  minLength = 1,
): string {
  const text = expectString(value, field, maxLength, minLength);
  if (!pattern.test(text)) return invalid(field, `does not match ${pattern.source}`);
  return text;
}

/** Expects a finite number (not NaN, not ±Infinity). */
export function expectNumber(value: unknown, field: string): number {
  if (typeof value !== 'number') return invalid(field, `expected a number, got ${describeType(value)}`);
  if (!Number.isFinite(value)) return invalid(field, 'expected a finite number');
  return value;
}

/** Expects an integer in `min..max` (inclusive). */
export function expectInteger(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number') return invalid(field, `expected an integer, got ${describeType(value)}`);
  if (!Number.isInteger(value)) return invalid(field, 'expected an integer');
  if (value < min || value > max) return invalid(field, `out of range ${min}..${max}`);
  return value;
}

/** Largest unsigned 32-bit integer. */
export const UINT32_MAX = 0xffff_ffff;
/** Largest unsigned 16-bit integer. */
export const UINT16_MAX = 0xffff;

/** Expects an integer in `0..2^32-1`. */
export function expectUint32(value: unknown, field: string): number {
  return expectInteger(value, field, 0, UINT32_MAX);
}

/** Expects an integer in `0..65535`. */
export function expectUint16(value: unknown, field: string): number {
  return expectInteger(value, field, 0, UINT16_MAX);
}

/** Expects a boolean. */
export function expectBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') return invalid(field, `expected a boolean, got ${describeType(value)}`);
  return value;
}

/** Expects one of the strings in `allowed`. */
export function expectEnum<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    return invalid(field, `expected one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** Expects an array of at most `maxLength` (and at least `minLength`, default 0) elements. */
export function expectArray(value: unknown, field: string, maxLength: number, minLength = 0): unknown[] {
  if (!Array.isArray(value)) return invalid(field, `expected an array, got ${describeType(value)}`);
  if (value.length > maxLength) return invalid(field, `more than ${maxLength} elements`);
  if (value.length < minLength) return invalid(field, `fewer than ${minLength} elements`);
  return value;
}

/** Applies `check` unless `value` is `undefined` (an absent optional field). */
export function optional<T>(value: unknown, check: (value: unknown) => T): T | undefined {
  return value === undefined ? undefined : check(value);
}

/** Keys that must never be used as object keys from untrusted input. */
export const FORBIDDEN_KEYS: readonly string[] = Object.freeze(['__proto__', 'constructor', 'prototype']);

/** Expects a key that is not one of {@link FORBIDDEN_KEYS}. */
export function expectSafeKey(key: string, field: string): string {
  if (FORBIDDEN_KEYS.includes(key)) return invalid(field, `forbidden key "${key}"`);
  return key;
}
