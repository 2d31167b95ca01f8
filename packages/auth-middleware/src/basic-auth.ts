import { InvalidOptionsError } from './errors';
import { utf8Binary } from './redact';

/**
 * Builds an HTTP Basic `Authorization` value (RFC 7617) with UTF-8 credentials, without
 * Node's Buffer, so it runs wherever fetch runs. Passwords may contain `:` and any Unicode;
 * a username may not contain `:`, because the server splits at the first one.
 */
export function basicAuthorization(username: string, password: string): string {
  if (username.includes(':')) {
    throw new InvalidOptionsError(
      'username',
      'The username contains ":", which HTTP Basic cannot carry; use one without ":".',
    );
  }
  return `Basic ${btoa(utf8Binary(`${username}:${password}`))}`;
}
