import { describe, expect, it } from 'vitest';
import { isPhoneRequest, PHONE_WORKLIST_PAGE_SIZE, phoneWorklistPageSize } from './phone';

const req = (h: Record<string, string>) => new Headers(h);

describe('isPhoneRequest', () => {
  it('takes the Sec-CH-UA-Mobile client hint of a phone, and "Request desktop site" as a desktop', () => {
    expect(isPhoneRequest(req({ 'sec-ch-ua-mobile': '?1', 'user-agent': 'Mozilla/5.0 (Linux; Android 14; Pixel 8)' }))).toBe(true);
    expect(isPhoneRequest(req({ 'sec-ch-ua-mobile': '?0', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36' }))).toBe(false);
  });

  it('reads the user agent: Safari on an iPhone, Chrome and Firefox on Android phones', () => {
    const phones = [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      'Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36',
      'Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0',
    ];
    for (const ua of phones) expect(isPhoneRequest(req({ 'user-agent': ua }))).toBe(true);
  });

  it('is false for desktops, tablets and a request with no headers', () => {
    const others = [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
      'Mozilla/5.0 (iPad; CPU OS 12_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1',
    ];
    for (const ua of others) expect(isPhoneRequest(req({ 'user-agent': ua }))).toBe(false);
    expect(isPhoneRequest(req({}))).toBe(false);
  });
});

describe('phoneWorklistPageSize', () => {
  it('is the phone page unless the empty and critical pumps together are more, up to 200', () => {
    expect(phoneWorklistPageSize({ empty: 0, critical: 0 })).toBe(PHONE_WORKLIST_PAGE_SIZE);
    expect(phoneWorklistPageSize({ empty: 5, critical: 15 })).toBe(20);
    expect(phoneWorklistPageSize({ empty: 6, critical: 15 })).toBe(21);
    expect(phoneWorklistPageSize({ empty: 150, critical: 100 })).toBe(200);
  });
});
