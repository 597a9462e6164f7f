/**
 * A small labelled retrieval set: one user's memories (actor u1) plus another user's (u2) as distractors, and
 * queries with the records that should come first. Some queries share words with their answer (BM25 finds them);
 * some share only meaning, which the hashed test embedder knows through `SYNONYMS` (vector search finds them).
 */

export const U1 = "/tenants/acme/actors/u1";
export const U2 = "/tenants/acme/actors/u2";

export interface LabelledRecord {
  id: string;
  actor: "u1" | "u2";
  kind: "fact" | "preference" | "episode";
  text: string;
}

export const RECORDS: LabelledRecord[] = [
  {
    id: "espresso",
    actor: "u1",
    kind: "preference",
    text: "Maya drinks a double espresso every morning before work",
  },
  { id: "peanuts", actor: "u1", kind: "fact", text: "Maya is allergic to peanuts" },
  { id: "puppy", actor: "u1", kind: "fact", text: "Maya adopted a beagle puppy named Biscuit in March" },
  { id: "aisle", actor: "u1", kind: "preference", text: "Maya prefers aisle seats on long flights" },
  { id: "job", actor: "u1", kind: "fact", text: "Maya works as a backend engineer writing TypeScript" },
  { id: "birthday", actor: "u1", kind: "fact", text: "Maya's birthday is on 14 July" },
  { id: "sedan", actor: "u1", kind: "fact", text: "Maya drives an electric sedan" },
  { id: "vegetarian", actor: "u1", kind: "preference", text: "Maya is vegetarian and avoids meat" },
  { id: "doctor", actor: "u1", kind: "fact", text: "Maya's doctor is Dr. Okafor at the Riverside clinic" },
  { id: "lisbon", actor: "u1", kind: "fact", text: "Maya lives in Lisbon near the river" },
  { id: "bullets", actor: "u1", kind: "preference", text: "Maya wants answers in short bullet points" },
  {
    id: "raise",
    actor: "u1",
    kind: "episode",
    text: "Maya negotiated a raise and her income went up in April",
  },
  {
    id: "tokyo",
    actor: "u1",
    kind: "episode",
    text: "Maya's flight to Tokyo was cancelled and rebooked with another airline",
  },
  { id: "languages", actor: "u1", kind: "fact", text: "Maya speaks Portuguese and English" },
  { id: "marathon", actor: "u1", kind: "fact", text: "Maya is training for the Lisbon half marathon" },
  { id: "evening", actor: "u1", kind: "preference", text: "Maya dislikes phone calls in the evening" },
  { id: "sister", actor: "u1", kind: "fact", text: "Maya's sister Ana lives in Porto" },
  { id: "desk", actor: "u1", kind: "fact", text: "Maya uses a standing desk at home" },
  {
    id: "leak",
    actor: "u1",
    kind: "episode",
    text: "Maya debugged a memory leak in the billing service last week",
  },
  { id: "tea", actor: "u1", kind: "preference", text: "Maya prefers green tea in the afternoon" },
  {
    id: "office-coffee",
    actor: "u1",
    kind: "episode",
    text: "The office coffee machine was repaired on Monday",
  },
  {
    id: "pull-request",
    actor: "u1",
    kind: "episode",
    text: "Maya reviewed a pull request about the payment service",
  },
  { id: "gym", actor: "u1", kind: "fact", text: "Maya's gym membership renews in January" },
  { id: "cuisine", actor: "u1", kind: "preference", text: "Maya's favourite cuisine is Japanese" },
  { id: "guitar", actor: "u1", kind: "fact", text: "Maya plays guitar on weekends" },
  { id: "kyoto", actor: "u1", kind: "episode", text: "Maya booked a hotel in Kyoto for October" },
  { id: "passwords", actor: "u1", kind: "fact", text: "Maya keeps her passwords in a password manager" },
  { id: "tom-coffee", actor: "u2", kind: "preference", text: "Tom drinks black coffee" },
  { id: "tom-cats", actor: "u2", kind: "fact", text: "Tom is allergic to cats" },
  { id: "tom-berlin", actor: "u2", kind: "fact", text: "Tom flies to Berlin every month" },
  { id: "tom-doctor", actor: "u2", kind: "fact", text: "Tom's physician retired last year" },
];

export interface LabelledQuery {
  text: string;
  /** Any of these in the top 3 is a hit; the first one found sets the reciprocal rank. */
  expected: string[];
  /** Shares no word with its answer: BM25 cannot find it. */
  meaningOnly?: boolean;
}

export const QUERIES: LabelledQuery[] = [
  { text: "What coffee does Maya like?", expected: ["espresso"] },
  { text: "peanut allergy", expected: ["peanuts"] },
  { text: "Does she have a dog?", expected: ["puppy"], meaningOnly: true },
  { text: "seat preference on a plane", expected: ["aisle"] },
  { text: "Which programming language does Maya use at work?", expected: ["job"] },
  { text: "When is her birthday?", expected: ["birthday"] },
  { text: "What car does she drive?", expected: ["sedan"] },
  { text: "dietary restrictions about meat", expected: ["vegetarian"] },
  { text: "Who is her physician?", expected: ["doctor"], meaningOnly: true },
  { text: "Where does Maya live?", expected: ["lisbon"] },
  { text: "how should answers be formatted", expected: ["bullets"] },
  { text: "salary increase", expected: ["raise"], meaningOnly: true },
  { text: "problems with her trip to Tokyo", expected: ["tokyo"] },
  { text: "what languages does she speak", expected: ["languages"] },
  { text: "marathon training plan", expected: ["marathon"] },
  { text: "guitar", expected: ["guitar"] },
  { text: "hotel reservation in Kyoto", expected: ["kyoto"] },
];

/** What the hashed test embedder treats as one concept. */
export const SYNONYMS: Record<string, string> = {
  espresso: "coffee",
  latte: "coffee",
  cappuccino: "coffee",
  puppy: "dog",
  beagle: "dog",
  canine: "dog",
  plane: "flight",
  airline: "flight",
  fly: "flight",
  flie: "flight",
  allergic: "allergy",
  peanut: "peanut",
  sedan: "car",
  vehicle: "car",
  physician: "doctor",
  clinic: "doctor",
  salary: "income",
  pay: "income",
  raise: "income",
  typescript: "programming",
  python: "programming",
  coding: "programming",
  language: "programming",
};
