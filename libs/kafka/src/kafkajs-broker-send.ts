// kafkajs's Broker sends every request through one private method, keyed by a symbol its module does
// not export. The patches that send requests of their own, or watch what the broker answers, find it
// here by the symbol's description.

/** The symbol of kafkajs's Broker.prototype send method, if the installed kafkajs still has it. */
export function brokerSendRequest(brokerPrototype: object): symbol | undefined {
  return Object.getOwnPropertySymbols(brokerPrototype).find(
    (s) => s.description === 'private:Broker:sendRequest',
  );
}
