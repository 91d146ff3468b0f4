import { apiKeyFromHeaders } from './auth.guard';

describe('apiKeyFromHeaders', () => {
  it('prefers x-api-key, as upstream', () => {
    expect(apiKeyFromHeaders({ 'x-api-key': 'mtk_a', authorization: 'Bearer mtk_b' })).toBe('mtk_a');
  });

  it('strips "Bearer " from Authorization', () => {
    expect(apiKeyFromHeaders({ authorization: 'Bearer mtk_b' })).toBe('mtk_b');
  });

  it('takes any other Authorization value whole, as upstream did', () => {
    expect(apiKeyFromHeaders({ authorization: 'mtk_c' })).toBe('mtk_c');
  });

  it('finds nothing in empty or missing headers', () => {
    expect(apiKeyFromHeaders({})).toBeUndefined();
    expect(apiKeyFromHeaders({ 'x-api-key': '  ', authorization: '' })).toBeUndefined();
    expect(apiKeyFromHeaders({ authorization: 'Bearer ' })).toBeUndefined();
  });
});
