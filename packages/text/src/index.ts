export { stopWords, symptomTerms } from './terms';
