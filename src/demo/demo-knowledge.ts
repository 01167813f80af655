/**
 * The demo help centre of Harborlight, a fictitious online shop and note-taking service. Seeded at start
 * when DEMO_CONTENT=on: a passage whose source_id is missing is added, an existing one is left as it is.
 */
export const demoKnowledge: ReadonlyArray<Record<'source_id' | 'title' | 'body', string>> = [
  {
    source_id: 'kb-refunds',
    title: 'Refunds',
    body: 'You can ask for a refund within 30 days of delivery for any unused item in its original packaging. Open the order in your account and choose Request refund. Once the item is back in our warehouse, the refund goes to your original payment method within 5 to 7 business days.',
  },
  {
    source_id: 'kb-shipping-times',
    title: 'Shipping times',
    body: 'Orders placed before 2 pm on a working day leave our warehouse the same day. Standard delivery takes 3 to 5 business days and express delivery 1 to 2 business days. You get a tracking link by email as soon as the parcel is on its way.',
  },
  {
    source_id: 'kb-warranty',
    title: 'Warranty',
    body: 'Every Harborlight device comes with a two-year warranty against manufacturing defects. The warranty does not cover accidental damage, water damage or normal wear. To make a claim, send us the serial number and a short description of the fault.',
  },
  {
    source_id: 'kb-support-hours',
    title: 'Support hours',
    body: 'Our support team answers chat and email from 8 am to 8 pm Central European Time, Monday to Saturday. Outside these hours you can leave a message and we reply on the next working day. Critical outages on the Business plan are handled around the clock.',
  },
  {
    source_id: 'kb-password-reset',
    title: 'Resetting your password',
    body: 'Choose Forgot password on the sign-in page and enter the email address of your account. We send a reset link that stays valid for one hour. If the email does not arrive, check your spam folder or contact support.',
  },
  {
    source_id: 'kb-data-privacy',
    title: 'Data privacy',
    body: 'We store your data in data centres within the European Union and never sell it to third parties. Your notes are encrypted at rest and in transit. You can download a copy of everything we hold about you from the privacy settings.',
  },
  {
    source_id: 'kb-pricing-plans',
    title: 'Pricing plans',
    body: 'The Free plan includes three notebooks and 1 GB of storage. The Plus plan costs 6 euros a month and removes all limits, and the Business plan costs 12 euros per user per month with shared workspaces and priority support. Yearly billing saves two months.',
  },
  {
    source_id: 'kb-account-deletion',
    title: 'Deleting your account',
    body: 'You can delete your account from the account settings at any time. Deletion is permanent after a grace period of 14 days, during which signing in again cancels it. Any active subscription ends at the close of its current billing period.',
  },
  {
    source_id: 'kb-api-rate-limits',
    title: 'API rate limits',
    body: 'The public API allows 100 requests per minute per access token on the Plus plan and 1000 on the Business plan. When you exceed the limit the API answers with status 429 and a Retry-After header. Batch endpoints count as a single request.',
  },
  {
    source_id: 'kb-two-factor',
    title: 'Two-factor authentication',
    body: 'Turn on two-factor authentication in the security settings to protect your account with an authenticator app. Keep the recovery codes somewhere safe: they are the only way back in if you lose your phone.',
  },
  {
    source_id: 'kb-invoices',
    title: 'Invoices and billing',
    body: 'Invoices are emailed after every payment and are also available under Billing in your account. We accept credit cards, PayPal and bank transfer for yearly Business plans. To add a VAT number to future invoices, edit your billing details.',
  },
  {
    source_id: 'kb-gift-cards',
    title: 'Gift cards',
    body: 'Gift cards are sold in amounts from 10 to 200 euros and never expire. Redeem one at checkout or under Billing, and the balance is used before your card is charged. Gift cards cannot be exchanged for cash.',
  },
];
