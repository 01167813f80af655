/**
 * The demo address book: fictitious people only (example.com addresses, numbers in the 555-01xx range
 * reserved for fiction). Seeded at start when DEMO_CONTENT=on: a missing id is added, an existing one left as it is.
 */
export const demoContacts: ReadonlyArray<Record<'id' | 'name' | 'email' | 'phone' | 'company' | 'title', string>> = [
  { id: 'c01', name: 'Alice Moreau', email: 'alice.moreau@example.com', phone: '+1-202-555-0101', company: 'Bluefin Robotics', title: 'Head of Partnerships' },
  { id: 'c02', name: 'Bob Tanaka', email: 'bob.tanaka@example.com', phone: '+1-202-555-0102', company: 'Cobalt Ridge Energy', title: 'Procurement Manager' },
  { id: 'c03', name: 'Carmen Diaz', email: 'carmen.diaz@example.com', phone: '+1-202-555-0103', company: 'Lumen Foods', title: 'Chief Financial Officer' },
  { id: 'c04', name: 'Daniel Okafor', email: 'daniel.okafor@example.com', phone: '+1-202-555-0104', company: 'Bluefin Robotics', title: 'Field Service Engineer' },
  { id: 'c05', name: 'Elena Petrova', email: 'elena.petrova@example.com', phone: '+1-202-555-0105', company: 'Quillfeather Press', title: 'Managing Editor' },
  { id: 'c06', name: 'Farid Haddad', email: 'farid.haddad@example.com', phone: '+1-202-555-0106', company: 'Harbor & Pine Legal', title: 'Senior Counsel' },
  { id: 'c07', name: 'Grace Liu', email: 'grace.liu@example.com', phone: '+1-202-555-0107', company: 'Cobalt Ridge Energy', title: 'Data Scientist' },
  { id: 'c08', name: 'Hugo Lindqvist', email: 'hugo.lindqvist@example.com', phone: '+1-202-555-0108', company: 'Lumen Foods', title: 'Supply Chain Lead' },
  { id: 'c09', name: 'Ingrid Novak', email: 'ingrid.novak@example.com', phone: '+1-202-555-0109', company: 'Bluefin Robotics', title: 'VP of Engineering' },
  { id: 'c10', name: 'Jamal Brooks', email: 'jamal.brooks@example.com', phone: '+1-202-555-0110', company: 'Tidewater Health', title: 'Operations Director' },
  { id: 'c11', name: 'Keiko Sato', email: 'keiko.sato@example.com', phone: '+1-202-555-0111', company: 'Quillfeather Press', title: 'Rights Manager' },
  { id: 'c12', name: 'Liam O\'Connor', email: 'liam.oconnor@example.com', phone: '+1-202-555-0112', company: 'Harbor & Pine Legal', title: 'Paralegal' },
  { id: 'c13', name: 'Maya Shapiro', email: 'maya.shapiro@example.com', phone: '+1-202-555-0113', company: 'Tidewater Health', title: 'Chief Medical Officer' },
  { id: 'c14', name: 'Nikhil Rao', email: 'nikhil.rao@example.com', phone: '+1-202-555-0114', company: 'Bluefin Robotics', title: 'Product Manager' },
  { id: 'c15', name: 'Olivia Bennett', email: 'olivia.bennett@example.com', phone: '+1-202-555-0115', company: 'Lumen Foods', title: 'Marketing Manager' },
  { id: 'c16', name: 'Pedro Alves', email: 'pedro.alves@example.com', phone: '+1-202-555-0116', company: 'Cobalt Ridge Energy', title: 'Site Manager' },
  { id: 'c17', name: 'Quinn Harper', email: 'quinn.harper@example.com', phone: '+1-202-555-0117', company: 'Tidewater Health', title: 'IT Administrator' },
  { id: 'c18', name: 'Rosa Martinez', email: 'rosa.martinez@example.com', phone: '+1-202-555-0118', company: 'Harbor & Pine Legal', title: 'Office Manager' },
  { id: 'c19', name: 'Samuel Adeyemi', email: 'samuel.adeyemi@example.com', phone: '+1-202-555-0119', company: 'Quillfeather Press', title: 'Sales Director' },
  { id: 'c20', name: 'Tara Fitzgerald', email: 'tara.fitzgerald@example.com', phone: '+1-202-555-0120', company: 'Tidewater Health', title: 'Head of Partnerships' },
];
