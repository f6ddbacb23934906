//! Record types: one vocabulary for every source, and the one table that reads every source's
//! own type names into it.
//!
//! Why one vocabulary: sources write a journal article as `journal-article` (Crossref), `JOUR`
//! (RIS), `J` and `Article` (Web of Science), `Journal Article` (MEDLINE, EndNote), `article`
//! (BibTeX), `ARTICLE` (Cristin) or `AcademicArticle` (NVA). Stored as written, `type:` in a
//! search, the export formats' types and dedup's type checks would each need every spelling.
//! So a record's [`WorkType`] is Crossref's work type (Crossref's own types are kept as they
//! are), plus the few kinds this review meets that Crossref has no type for: `project`
//! (Prosjektbanken's register records), `presentation` (lectures and posters in Cristin and
//! NVA), `news-article` (newspapers, magazines, media) and `web-page`. The source's own term
//! stays in the record's raw payload.
//!
//! Why a [`Genre`] besides the type: MEDLINE, Web of Science, Scopus, Cristin and NVA name
//! finer kinds of a journal article (`Case Reports`, `Review`, `Editorial Material`,
//! `Correction`, `AcademicLiteratureReview`). A case report is a journal article (so it exports
//! as `@article` with its journal), but screening wants to find reviews or leave out
//! editorials (`type:review`, `NOT type:editorial`), and dedup must not merge a correction with
//! the article it corrects. The genres are a short list of such kinds; a term of no
//! interest (`Research Support, Non-U.S. Gov't`) is left in the raw payload only.
//!
//! How terms are read ([`classify`]): each term is matched whole, in any case, ignoring
//! spaces, hyphens and underscores (`Journal Article`, `journalArticle` and `journal_article`
//! are one term). A record may name several terms (MEDLINE's every `PT`, WoS `DT` and `PT`,
//! RIS `TY` and `M3`, BibTeX's `entrysubtype` and entry type), most specific first; the type
//! is the first that names a work type, where a vocabulary term written exactly as litscope
//! writes it (what litscope's own exports carry) comes before the others, a vague one
//! (`misc`, `GEN`) after them, and a term that only implies one (`Review` implies a journal
//! article) last. Every genre named is
//! kept. Terms no table knows make the type `other` when nothing else names one.
//!
//! Records stored before types were normalised carry the source's term in `type`: reading a
//! record normalises it (see [`WorkType`]'s `Deserialize`), so old corpora need no migration
//! and every reader (index, export, dedup) sees the vocabulary. Their genre, which was never
//! stored, stays empty.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

/// Declares a vocabulary: the enum, its terms, `ALL`, `as_str`, `from_term`, `Display` and
/// `Serialize` (as the term).
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $term:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// Every value, in the order of the vocabulary.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The term as litscope writes it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $term,)*
                }
            }

            /// The value whose term is exactly `term`, as litscope writes it.
            pub fn from_term(term: &str) -> Option<Self> {
                match term {
                    $($term => Some($name::$variant),)*
                    _ => None,
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// The kind of work: Crossref's work types, plus `project`, `presentation`,
    /// `news-article` and `web-page`.
    WorkType {
        /// An article in a journal (reviews, case reports, letters and the like included).
        JournalArticle = "journal-article",
        /// A book.
        Book = "book",
        /// A book of chapters by several authors, with editors.
        EditedBook = "edited-book",
        /// A book by its authors (a scholarly monograph).
        Monograph = "monograph",
        /// An encyclopedia, dictionary or other reference work.
        ReferenceBook = "reference-book",
        /// A set of books (a multi-volume work).
        BookSet = "book-set",
        /// A series of books.
        BookSeries = "book-series",
        /// A chapter of a book.
        BookChapter = "book-chapter",
        /// A section of a book.
        BookSection = "book-section",
        /// A part of a book (an introduction, a foreword, a part of chapters).
        BookPart = "book-part",
        /// A track of a book (Crossref's term for recordings in books).
        BookTrack = "book-track",
        /// An entry in a reference work.
        ReferenceEntry = "reference-entry",
        /// A paper in conference proceedings.
        ProceedingsArticle = "proceedings-article",
        /// A volume of conference proceedings.
        Proceedings = "proceedings",
        /// A series of proceedings.
        ProceedingsSeries = "proceedings-series",
        /// A report (research, policy, working paper, government document).
        Report = "report",
        /// A part of a report.
        ReportComponent = "report-component",
        /// A series of reports.
        ReportSeries = "report-series",
        /// A thesis or dissertation (doctoral, master's, other degrees).
        Dissertation = "dissertation",
        /// A dataset.
        Dataset = "dataset",
        /// A database.
        Database = "database",
        /// A component of another work (a figure, a table, supplementary material).
        Component = "component",
        /// A preprint, working manuscript or other posted content.
        PostedContent = "posted-content",
        /// A published peer review.
        PeerReview = "peer-review",
        /// A standard.
        Standard = "standard",
        /// A research grant (as Crossref registers them).
        Grant = "grant",
        /// A whole journal.
        Journal = "journal",
        /// An issue of a journal.
        JournalIssue = "journal-issue",
        /// A volume of a journal.
        JournalVolume = "journal-volume",
        /// Anything else (patents, software, films, legal texts, types no table knows).
        Other = "other",
        /// A funded project: a register record (Prosjektbanken).
        Project = "project",
        /// A lecture, talk or poster (Cristin and NVA register them).
        Presentation = "presentation",
        /// A newspaper, magazine or other media article.
        NewsArticle = "news-article",
        /// A web page or blog post.
        WebPage = "web-page",
    }
}

vocabulary! {
    /// A finer kind of work the source names (most are kinds of journal article).
    Genre {
        /// A review article.
        Review = "review",
        /// A systematic review.
        SystematicReview = "systematic-review",
        /// A meta-analysis.
        MetaAnalysis = "meta-analysis",
        /// A case report.
        CaseReport = "case-report",
        /// An editorial.
        Editorial = "editorial",
        /// A letter (to the editor).
        Letter = "letter",
        /// A comment on another work.
        Comment = "comment",
        /// An erratum or correction notice.
        Erratum = "erratum",
        /// A retraction notice.
        Retraction = "retraction",
        /// An abstract of a conference contribution.
        MeetingAbstract = "meeting-abstract",
        /// A study or trial protocol.
        Protocol = "protocol",
        /// A randomised controlled trial.
        RandomizedControlledTrial = "randomized-controlled-trial",
        /// A review of a book.
        BookReview = "book-review",
        /// A guideline.
        Guideline = "guideline",
        /// A master's (or other second-degree) thesis.
        MastersThesis = "masters-thesis",
    }
}

impl From<&str> for WorkType {
    /// Any source's term, normalised as a stored one is (a term no table knows is `other`).
    fn from(term: &str) -> Self {
        WorkType::from_term(term)
            .or_else(|| classify([term]).kind)
            .unwrap_or(WorkType::Other)
    }
}

impl<'de> Deserialize<'de> for WorkType {
    /// Any source's term, normalised: a record stored with the source's own type (`JOUR`,
    /// `Case Reports`) reads as the vocabulary's. A term no table knows reads as `other`.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(WorkType::from(Cow::<str>::deserialize(d)?.as_ref()))
    }
}

/// Reads a stored list of genres, keeping the ones this version knows (a later version's
/// genre must not make a record unreadable).
pub fn lenient_genres<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Genre>, D::Error> {
    let terms = Vec::<Cow<str>>::deserialize(d)?;
    Ok(classify(terms.iter().map(|t| t.as_ref())).genre)
}

/// How firmly a term gives its type: the first term of the firmest rank decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    /// It names the type (`JOUR`, `Book Chapter`).
    Named,
    /// It names a type so vague (`misc`, `GEN`, RIS `SER`) that a named one comes first.
    Vague,
    /// It only implies the type (`Review` → a journal article).
    Implied,
}

/// What one term says.
#[derive(Debug, Clone, Copy)]
struct Says {
    /// The work type it names or implies.
    kind: Option<WorkType>,
    /// How firmly.
    rank: Rank,
    /// The finer kind it names.
    genre: Option<Genre>,
}

const fn says(kind: Option<WorkType>, rank: Rank, genre: Option<Genre>) -> Says {
    Says { kind, rank, genre }
}

/// A term that names a type.
const fn is(kind: WorkType) -> Says {
    says(Some(kind), Rank::Named, None)
}

/// A term that names a vague type.
const fn vague(kind: WorkType) -> Says {
    says(Some(kind), Rank::Vague, None)
}

/// A genre, and the type it implies when no other term names one.
const fn genre(genre: Genre) -> Says {
    use Genre::*;
    let kind = match genre {
        MeetingAbstract | Guideline => None,
        MastersThesis => Some(WorkType::Dissertation),
        Review
        | SystematicReview
        | MetaAnalysis
        | CaseReport
        | Editorial
        | Letter
        | Comment
        | Erratum
        | Retraction
        | Protocol
        | RandomizedControlledTrial
        | BookReview => Some(WorkType::JournalArticle),
    };
    says(kind, Rank::Implied, Some(genre))
}

/// A type and a genre, both named (`mastersthesis`, `ConferenceAbstract`).
const fn both(kind: WorkType, genre: Genre) -> Says {
    says(Some(kind), Rank::Named, Some(genre))
}

/// Every source's term (as [`key`] gives it) that is not a vocabulary term itself. The
/// vocabulary's own terms (`journalarticle`, `review`, …) are added by [`TERMS`].
#[rustfmt::skip]
const ALIASES: &[(&str, Says)] = {
    use Genre as G;
    use WorkType as T;
    &[
        // Journal articles. RIS JOUR/EJOUR/INPR, WoS PT J, BibTeX, Scopus and WoS `Article`,
        // CSL `article-journal`, Cristin ARTICLE/ARTICLEJOURNAL, NVA's article instance types.
        ("jour", is(T::JournalArticle)), ("ejour", is(T::JournalArticle)),
        ("inpr", is(T::JournalArticle)), ("j", is(T::JournalArticle)),
        ("article", is(T::JournalArticle)), ("articlejournal", is(T::JournalArticle)),
        ("electronicarticle", is(T::JournalArticle)), ("researcharticle", is(T::JournalArticle)),
        ("articleinpress", is(T::JournalArticle)), ("note", is(T::JournalArticle)),
        ("datapaper", is(T::JournalArticle)), ("academicarticle", is(T::JournalArticle)),
        ("professionalarticle", is(T::JournalArticle)),
        ("popularsciencearticle", is(T::JournalArticle)),
        ("journalshortcommunication", is(T::JournalArticle)),
        ("shortcommunication", is(T::JournalArticle)),
        ("abst", says(Some(T::JournalArticle), Rank::Implied, Some(G::MeetingAbstract))),
        // Finer kinds: MEDLINE PT, WoS DT, Scopus Document Type, Cristin and NVA categories.
        ("academicreview", genre(G::Review)), ("academicliteraturereview", genre(G::Review)),
        ("literaturereview", genre(G::Review)), ("reviewarticle", genre(G::Review)),
        ("shortsurvey", genre(G::Review)), ("casereports", genre(G::CaseReport)),
        ("editorialmaterial", genre(G::Editorial)), ("journalleader", genre(G::Editorial)),
        ("journalletter", genre(G::Letter)), ("lettertotheeditor", genre(G::Letter)),
        ("errata", genre(G::Erratum)), ("correction", genre(G::Erratum)),
        ("correctionaddition", genre(G::Erratum)), ("publishederratum", genre(G::Erratum)),
        ("corrigendum", genre(G::Erratum)), ("journalcorrigendum", genre(G::Erratum)),
        ("retractionofpublication", genre(G::Retraction)),
        ("retractionnotice", genre(G::Retraction)),
        ("studyprotocol", genre(G::Protocol)), ("clinicaltrialprotocol", genre(G::Protocol)),
        ("journalreview", genre(G::BookReview)), ("practiceguideline", genre(G::Guideline)),
        // Books. RIS BOOK/EBOOK/EDBOOK, WoS PT B, biblatex multi-volume types, Cristin
        // MONOGRAPHACA/ANTHOLOGYACA/…, NVA's book instance types.
        ("b", is(T::Book)), ("ebook", is(T::Book)), ("electronicbook", is(T::Book)),
        ("booklet", is(T::Book)), ("textbook", is(T::Book)), ("nonfictionbook", is(T::Book)),
        ("popularbook", is(T::Book)), ("popularsciencebook", is(T::Book)),
        ("booktransl", is(T::Book)), ("commentaryaca", is(T::Book)),
        ("academiccommentary", is(T::Book)), ("exhibitioncatalog", is(T::Book)),
        ("exhibitioncatalogue", is(T::Book)), ("ser", vague(T::Book)),
        ("monographaca", is(T::Monograph)), ("academicmonograph", is(T::Monograph)),
        ("nonfictionmonograph", is(T::Monograph)), ("popularsciencemonograph", is(T::Monograph)),
        ("edbook", is(T::EditedBook)), ("anthologyaca", is(T::EditedBook)),
        ("bookanthology", is(T::EditedBook)), ("anthology", is(T::EditedBook)),
        ("collection", is(T::EditedBook)),
        ("encyc", is(T::ReferenceBook)), ("dict", is(T::ReferenceBook)),
        ("encyclopedia", is(T::ReferenceBook)), ("dictionary", is(T::ReferenceBook)),
        ("reference", is(T::ReferenceBook)),
        ("mvbook", is(T::BookSet)), ("mvcollection", is(T::BookSet)),
        ("mvreference", is(T::BookSet)),
        // Chapters and parts. RIS CHAP/ECHAP, BibTeX incollection/inbook, EndNote and Zotero
        // `Book Section`, Cristin CHAPTER…, NVA's chapter instance types.
        ("chap", is(T::BookChapter)), ("echap", is(T::BookChapter)),
        ("incollection", is(T::BookChapter)), ("inbook", is(T::BookChapter)),
        ("chapter", is(T::BookChapter)), ("chapteracademic", is(T::BookChapter)),
        ("chapterarticle", is(T::BookChapter)), ("populararticle", is(T::BookChapter)),
        ("academicchapter", is(T::BookChapter)), ("nonfictionchapter", is(T::BookChapter)),
        ("popularsciencechapter", is(T::BookChapter)), ("textbookchapter", is(T::BookChapter)),
        ("exhibitioncatalogchapter", is(T::BookChapter)),
        ("chapterinreport", is(T::BookChapter)),
        ("bookinbook", is(T::BookPart)), ("suppbook", is(T::BookPart)),
        ("introduction", is(T::BookPart)), ("foreword", is(T::BookPart)),
        ("preface", is(T::BookPart)), ("afterword", is(T::BookPart)),
        ("inreference", is(T::ReferenceEntry)), ("encyclopediaarticle", is(T::ReferenceEntry)),
        ("dictionaryentry", is(T::ReferenceEntry)), ("encyclopediachapter", is(T::ReferenceEntry)),
        ("entryencyclopedia", is(T::ReferenceEntry)), ("entrydictionary", is(T::ReferenceEntry)),
        // Conference papers. Scopus and WoS export papers as RIS CONF, and WoS PT S (series)
        // records are proceedings papers; BibTeX @conference is @inproceedings.
        ("cpaper", is(T::ProceedingsArticle)), ("conf", is(T::ProceedingsArticle)),
        ("s", is(T::ProceedingsArticle)), ("inproceedings", is(T::ProceedingsArticle)),
        ("conference", is(T::ProceedingsArticle)), ("conferencepaper", is(T::ProceedingsArticle)),
        ("proceedingspaper", is(T::ProceedingsArticle)),
        ("paperconference", is(T::ProceedingsArticle)),
        ("chapterconferenceabstract", both(T::ProceedingsArticle, G::MeetingAbstract)),
        ("conferenceproceedings", is(T::Proceedings)), ("conferencereview", is(T::Proceedings)),
        ("conferencereport", is(T::Proceedings)), ("mvproceedings", is(T::Proceedings)),
        // Reports. RIS RPRT/GOVDOC, BibTeX techreport, NVA's report instance types.
        ("rprt", is(T::Report)), ("techreport", is(T::Report)),
        ("technicalreport", is(T::Report)), ("researchreport", is(T::Report)),
        ("policyreport", is(T::Report)), ("workingpaper", is(T::Report)),
        ("govdoc", is(T::Report)), ("governmentdocument", is(T::Report)),
        ("reportresearch", is(T::Report)), ("reportpolicy", is(T::Report)),
        ("reportworkingpaper", is(T::Report)), ("reportbasic", is(T::Report)),
        ("reportbookofabstract", is(T::Report)),
        // Theses. RIS THES, BibTeX, Cristin DOCTORDISSERTAT/THESIS…, NVA Degree….
        ("thes", is(T::Dissertation)), ("thesis", is(T::Dissertation)),
        ("phdthesis", is(T::Dissertation)), ("doctoralthesis", is(T::Dissertation)),
        ("doctordissertat", is(T::Dissertation)), ("drgradavh", is(T::Dissertation)),
        ("degreephd", is(T::Dissertation)), ("artisticdegreephd", is(T::Dissertation)),
        ("degreelicentiate", is(T::Dissertation)), ("degreebachelor", is(T::Dissertation)),
        ("otherstudentwork", is(T::Dissertation)),
        ("masterthesis", both(T::Dissertation, G::MastersThesis)),
        ("thesismaster", both(T::Dissertation, G::MastersThesis)),
        ("thesissecond", both(T::Dissertation, G::MastersThesis)),
        ("thesismagister", both(T::Dissertation, G::MastersThesis)),
        ("medicalthesis", both(T::Dissertation, G::MastersThesis)),
        ("degreemaster", both(T::Dissertation, G::MastersThesis)),
        ("mastergradsoppg", both(T::Dissertation, G::MastersThesis)),
        ("hovedfagsoppgave", both(T::Dissertation, G::MastersThesis)),
        // Data, preprints, standards.
        ("data", is(T::Dataset)), ("dbase", is(T::Database)), ("aggr", is(T::Database)),
        ("onlinedatabase", is(T::Database)),
        ("preprint", is(T::PostedContent)), ("unpb", is(T::PostedContent)),
        ("unpublished", is(T::PostedContent)), ("unpublishedwork", is(T::PostedContent)),
        ("manuscript", is(T::PostedContent)),
        ("stand", is(T::Standard)), ("std", is(T::Standard)),
        ("jfull", is(T::Journal)), ("periodical", is(T::JournalIssue)),
        // Register records.
        ("researchproject", is(T::Project)),
        // Presentations: RIS SLIDE, Zotero, Cristin ACADEMICLECTURE/POSTER/…, NVA.
        ("slide", is(T::Presentation)), ("lecture", is(T::Presentation)),
        ("academiclecture", is(T::Presentation)), ("lecturepopular", is(T::Presentation)),
        ("poster", is(T::Presentation)), ("otherpres", is(T::Presentation)),
        ("conferencelecture", is(T::Presentation)), ("conferenceposter", is(T::Presentation)),
        ("otherpresentation", is(T::Presentation)),
        ("conferenceabstract", both(T::Presentation, G::MeetingAbstract)),
        // Media: RIS NEWS/MGZN, Zotero and EndNote, CSL, WoS `News Item`, Cristin, NVA.
        ("news", is(T::NewsArticle)), ("newsitem", is(T::NewsArticle)),
        ("mgzn", is(T::NewsArticle)), ("newspaper", is(T::NewsArticle)),
        ("newspaperarticle", is(T::NewsArticle)), ("magazine", is(T::NewsArticle)),
        ("magazinearticle", is(T::NewsArticle)), ("articlenewspaper", is(T::NewsArticle)),
        ("articlemagazine", is(T::NewsArticle)), ("articlefeature", is(T::NewsArticle)),
        ("featurearticle", is(T::NewsArticle)), ("readeropinion", is(T::NewsArticle)),
        ("articlepopular", is(T::NewsArticle)), ("mediafeaturearticle", is(T::NewsArticle)),
        ("mediareaderopinion", is(T::NewsArticle)),
        // The web: RIS ELEC, Zotero and EndNote `Web Page`, biblatex @online.
        ("elec", is(T::WebPage)), ("web", is(T::WebPage)), ("online", is(T::WebPage)),
        ("www", is(T::WebPage)), ("blog", is(T::WebPage)), ("blogpost", is(T::WebPage)),
        ("postweblog", is(T::WebPage)), ("mediablogpost", is(T::WebPage)),
        // Named, but of no type of the vocabulary: patents (WoS PT P), software, legal texts,
        // audiovisual works, interviews. The vague generic types yield to any other term.
        ("p", is(T::Other)), ("pat", is(T::Other)), ("patent", is(T::Other)),
        ("comp", is(T::Other)), ("software", is(T::Other)), ("computerprogram", is(T::Other)),
        ("case", is(T::Other)), ("statute", is(T::Other)), ("bill", is(T::Other)),
        ("hear", is(T::Other)), ("art", is(T::Other)), ("artwork", is(T::Other)),
        ("film", is(T::Other)), ("video", is(T::Other)), ("sound", is(T::Other)),
        ("music", is(T::Other)), ("map", is(T::Other)), ("tv", is(T::Other)),
        ("interview", is(T::Other)), ("mediainterview", is(T::Other)),
        ("mediaparticipationinradioortv", is(T::Other)), ("mediapodcast", is(T::Other)),
        ("audiovisualmaterial", is(T::Other)), ("otherproduct", is(T::Other)),
        ("gen", vague(T::Other)), ("generic", vague(T::Other)), ("misc", vague(T::Other)),
        ("document", vague(T::Other)),
    ]
};

/// A term as the tables know it: lower case, letters and digits only.
fn key(term: &str) -> String {
    term.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Every known term by [`key`]: the vocabularies' own terms and the [`ALIASES`].
static TERMS: LazyLock<HashMap<String, Says>> = LazyLock::new(|| {
    let mut terms: HashMap<String, Says> = ALIASES
        .iter()
        .map(|(k, says)| (k.to_string(), *says))
        .collect();
    for &t in WorkType::ALL {
        terms.insert(key(t.as_str()), is(t));
    }
    for &g in Genre::ALL {
        terms.insert(key(g.as_str()), genre(g));
    }
    terms
});

/// What a record's type terms say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Classified {
    /// The work type; `None` when no term was given.
    pub kind: Option<WorkType>,
    /// The finer kinds named, each once, in the vocabulary's order.
    pub genre: Vec<Genre>,
}

/// Reads a record's type terms, most specific first (see the module doc for the rule).
pub fn classify<'a>(terms: impl IntoIterator<Item = &'a str>) -> Classified {
    let (mut exact, mut unknown) = (None, false);
    // The first type of each rank.
    let mut ranked: [Option<WorkType>; 3] = [None; 3];
    let mut genre = Vec::new();
    for term in terms {
        let term = term.trim();
        if term.is_empty() {
            continue;
        }
        if let Some(t) = WorkType::from_term(term) {
            exact = exact.or(Some(t));
            continue;
        }
        let Some(says) = TERMS.get(&key(term)) else {
            unknown = true;
            continue;
        };
        genre.extend(says.genre);
        let first = &mut ranked[says.rank as usize];
        *first = first.or(says.kind);
    }
    genre.sort_unstable();
    genre.dedup();
    let kind = exact
        .or(ranked.into_iter().flatten().next())
        .or(unknown.then_some(WorkType::Other));
    Classified { kind, genre }
}

#[cfg(test)]
mod tests {
    use super::Genre as G;
    use super::WorkType as T;
    use super::*;

    fn of(terms: &[&str]) -> (Option<WorkType>, Vec<Genre>) {
        let c = classify(terms.iter().copied());
        (c.kind, c.genre)
    }

    #[test]
    fn every_sources_spelling_of_a_journal_article() {
        for term in [
            "journal-article",
            "JOUR",
            "J",
            "Article",
            "Journal Article",
            "JOURNAL ARTICLE",
            "journalArticle",
            "article",
            "ARTICLE",
            "AcademicArticle",
            "article-journal",
            "EJOUR",
        ] {
            assert_eq!(of(&[term]), (Some(T::JournalArticle), vec![]), "{term}");
        }
    }

    #[test]
    fn finer_kinds_are_genres_of_the_type_the_other_terms_name() {
        let cases: &[(&[&str], Option<WorkType>, &[Genre])] = &[
            // MEDLINE lists its PTs alphabetically: the case report comes first.
            (
                &["Case Reports", "Journal Article"],
                Some(T::JournalArticle),
                &[G::CaseReport],
            ),
            (
                &[
                    "Journal Article",
                    "Review",
                    "Research Support, Non-U.S. Gov't",
                ],
                Some(T::JournalArticle),
                &[G::Review],
            ),
            (
                &["Comment", "Letter", "Comment"],
                Some(T::JournalArticle),
                &[G::Letter, G::Comment],
            ),
            (
                &["Published Erratum"],
                Some(T::JournalArticle),
                &[G::Erratum],
            ),
            // WoS: DT parts, then PT.
            (
                &["Article", "Early Access", "J"],
                Some(T::JournalArticle),
                &[],
            ),
            (
                &["Meeting Abstract", "J"],
                Some(T::JournalArticle),
                &[G::MeetingAbstract],
            ),
            (
                &["Proceedings Paper", "S"],
                Some(T::ProceedingsArticle),
                &[],
            ),
            (
                &["Editorial Material", "J"],
                Some(T::JournalArticle),
                &[G::Editorial],
            ),
            (&["Correction", "J"], Some(T::JournalArticle), &[G::Erratum]),
            (
                &["Book Review", "J"],
                Some(T::JournalArticle),
                &[G::BookReview],
            ),
            // RIS TY, then M3 (Scopus writes its document type there).
            (&["CHAP", "Book Chapter"], Some(T::BookChapter), &[]),
            (&["JOUR", "Review"], Some(T::JournalArticle), &[G::Review]),
            (
                &["SER", "Conference Paper"],
                Some(T::ProceedingsArticle),
                &[],
            ),
            (
                &["JOUR", "10.1126/science.1074069"],
                Some(T::JournalArticle),
                &[],
            ),
            // A term exactly as litscope writes it (its own exports) comes first.
            (&["GRANT", "project"], Some(T::Project), &[]),
            (&["CHAP", "book-section"], Some(T::BookSection), &[]),
            (&["GEN", "peer-review"], Some(T::PeerReview), &[]),
            (
                &["JOUR", "case-report"],
                Some(T::JournalArticle),
                &[G::CaseReport],
            ),
            // BibTeX entry types, and a vague one refined by another term.
            (
                &["mastersthesis"],
                Some(T::Dissertation),
                &[G::MastersThesis],
            ),
            (&["phdthesis"], Some(T::Dissertation), &[]),
            (&["misc", "Technical Report"], Some(T::Report), &[]),
            (&["Review", "misc"], Some(T::Other), &[G::Review]),
            (&["web_page"], Some(T::WebPage), &[]),
            (&["book_section"], Some(T::BookSection), &[]),
            // Cristin categories and NVA instance types.
            (&["REPORT"], Some(T::Report), &[]),
            (&["ACADEMICREVIEW"], Some(T::JournalArticle), &[G::Review]),
            (&["CHAPTERACADEMIC"], Some(T::BookChapter), &[]),
            (&["MONOGRAPHACA"], Some(T::Monograph), &[]),
            (&["ACADEMICLECTURE"], Some(T::Presentation), &[]),
            (
                &["THESISMASTER"],
                Some(T::Dissertation),
                &[G::MastersThesis],
            ),
            (
                &["AcademicLiteratureReview"],
                Some(T::JournalArticle),
                &[G::Review],
            ),
            (&["CaseReport"], Some(T::JournalArticle), &[G::CaseReport]),
            (&["ConferenceLecture"], Some(T::Presentation), &[]),
            (&["DegreePhd"], Some(T::Dissertation), &[]),
            (&["ReportWorkingPaper"], Some(T::Report), &[]),
            (
                &["JournalCorrigendum"],
                Some(T::JournalArticle),
                &[G::Erratum],
            ),
            // Zotero item types and Scopus document types (CSV columns).
            (&["conferencePaper"], Some(T::ProceedingsArticle), &[]),
            (&["bookSection"], Some(T::BookSection), &[]),
            (&["webpage"], Some(T::WebPage), &[]),
            (&["Short Survey"], Some(T::JournalArticle), &[G::Review]),
            // Nothing known: other; nothing at all: no type.
            (&["Hologram"], Some(T::Other), &[]),
            (&["  ", ""], None, &[]),
            (&[], None, &[]),
        ];
        for (terms, kind, genre) in cases {
            assert_eq!(of(terms), (*kind, genre.to_vec()), "{terms:?}");
        }
    }

    #[test]
    fn every_vocabulary_term_reads_as_itself() {
        for &t in WorkType::ALL {
            assert_eq!(of(&[t.as_str()]).0, Some(t));
            assert_eq!(WorkType::from_term(t.as_str()), Some(t));
        }
        for &g in Genre::ALL {
            assert_eq!(of(&[g.as_str()]).1, vec![g]);
        }
    }

    #[test]
    fn aliases_are_keys_once_and_never_a_vocabulary_term() {
        let mut seen = std::collections::HashSet::new();
        for (k, _) in ALIASES {
            assert_eq!(key(k), *k, "{k} is not written as a key");
            assert!(seen.insert(*k), "{k} twice");
            assert!(
                !WorkType::ALL.iter().any(|t| key(t.as_str()) == *k)
                    && !Genre::ALL.iter().any(|g| key(g.as_str()) == *k),
                "{k} would hide a vocabulary term"
            );
        }
    }

    #[test]
    fn stored_source_terms_read_normalised_and_unknown_genres_are_dropped() {
        #[derive(Deserialize)]
        struct Stored {
            #[serde(rename = "type")]
            kind: Option<WorkType>,
            #[serde(default, deserialize_with = "lenient_genres")]
            genre: Vec<Genre>,
        }
        let read = |json: &str| {
            let s: Stored = serde_json::from_str(json).unwrap();
            (s.kind, s.genre)
        };
        assert_eq!(read(r#"{"type": "JOUR"}"#).0, Some(T::JournalArticle));
        assert_eq!(
            read(r#"{"type": "Case Reports"}"#).0,
            Some(T::JournalArticle)
        );
        assert_eq!(read(r#"{"type": "REPORT"}"#).0, Some(T::Report));
        assert_eq!(
            read(r#"{"type": "a-type-from-the-future"}"#).0,
            Some(T::Other)
        );
        assert_eq!(read(r#"{"type": null}"#).0, None);
        assert_eq!(
            read(r#"{"type": "journal-article", "genre": ["review", "a-genre-from-the-future"]}"#),
            (Some(T::JournalArticle), vec![G::Review])
        );
        assert_eq!(
            serde_json::to_string(&(T::ProceedingsArticle, G::CaseReport)).unwrap(),
            r#"["proceedings-article","case-report"]"#
        );
    }
}
