import { describe, expect, it } from '@jest/globals';
import { DestinationRule, parseCidr, refusalMessage, urlProblem } from './webhook-destination.js';

describe('where a webhook may go', () => {
  const rule = new DestinationRule({ denied: ['203.0.113.0/24'], allowed: [] });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fd00::5', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['203.0.113.9', 'configured denied'],
    ['::ffff:10.0.0.5', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
  ])('refuses %s (%s)', (address, range) => {
    expect(rule.refusedRange(address)).toBe(range);
  });

  it.each(['93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:2800:220:1:248:1893:25c8:1946'])('lets %s through', (address) => {
    expect(rule.refusedRange(address)).toBeNull();
  });

  it('refuses anything that is not an IP address', () => {
    expect(rule.refusedRange('localhost')).toBe('not an IP address');
  });

  it('lets the allowed ranges through, and those only', () => {
    const tests = new DestinationRule({ denied: [], allowed: ['127.0.0.1/32'] });
    expect(tests.refusedRange('127.0.0.1')).toBeNull();
    expect(tests.refusedRange('127.0.0.2')).toBe('loopback');
    expect(tests.refusedRange('10.0.0.5')).toBe('private');
  });

  it('wants https unless plain http is allowed', () => {
    expect(urlProblem('https://hooks.client.example/x', false)).toBeNull();
    expect(urlProblem('http://hooks.client.example/x', false)).toBe('https required');
    expect(urlProblem('http://hooks.client.example/x', true)).toBeNull();
    expect(urlProblem('ftp://hooks.client.example/x', true)).toBe('https required');
    expect(urlProblem('not a url', true)).toBe('not a URL');
  });

  it('names the address only when the URL holds it', () => {
    expect(refusalMessage('10.0.0.5', '10.0.0.5', 'private')).toBe('destination refused: 10.0.0.5 is in a private range');
    expect(refusalMessage('db.internal.example', '10.1.2.3', 'private')).toBe('destination refused: db.internal.example resolves into a private range');
  });

  it('reads CIDRs', () => {
    expect(parseCidr('10.96.0.0/12')).toEqual({ address: '10.96.0.0', prefix: 12, family: 'ipv4' });
    expect(parseCidr('fd00::/8')).toEqual({ address: 'fd00::', prefix: 8, family: 'ipv6' });
    for (const wrong of ['10.0.0.0', '10.0.0.0/33', 'fd00::/129', 'host/8', '10.0.0.0/8/1', '10.0.0.0/x']) expect(parseCidr(wrong)).toBeNull();
  });
});
