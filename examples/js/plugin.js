// Runs untrusted plugin code in a FrozenRealm: a separate, hardened realm that receives only
// copies of the values it is given and the functions passed in `globals`.
const PLUGIN = `
  function quote(params) {
    const price = getPrice(params.token);          // a function the caller lent the plugin
    return { token: params.token, out: params.amount * price * (1 - params.feeBps / 10000) };
  }
`;

export function execute(input) {
  const prices = { NEAR: 3.2, USDC: 1 };
  const realm = new FrozenRealm({ globals: { getPrice: (token) => prices[token] ?? 0 } });
  realm.evaluate(PLUGIN);
  return realm.call('quote', { token: input?.token ?? 'NEAR', amount: input?.amount ?? 10, feeBps: 30 });
}
