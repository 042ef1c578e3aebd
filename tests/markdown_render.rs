//! The Markdown export, rendered by a real CommonMark parser (with the tables and
//! strikethrough wikis use): whatever was typed comes back as the same text, never as
//! a link, an image, HTML, code, emphasis or a heading.

mod common;

use common::Env;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Entries as people type them: hostile and ordinary.
const TYPED: &[&str] = &[
    "[click me](javascript:alert(1))",
    "![](http://attacker.example/pixel.png)",
    "<img src=x onerror=alert(1)> and <script>x</script>",
    "<https://autolink.example>",
    "*not bold* _not italic_ **nor this** ~~nor struck~~ `not code`",
    "# not a heading",
    "- not a list item",
    "* nor this one",
    "+ nor this",
    "1. not numbered",
    "> not quoted",
    "a | b | c pipes in a table",
    "&amp; &#65; entities stay typed",
    "trailing backslash \\",
    "roll back deploy 4512 -> EU first, then US",
    "snake_case_name, 2 * 3 = 6, 50% < 90%",
    "C:\\Users\\ops\\logs is where to look",
    "ordinary words, ünïcödé, 障害対応中, emoji 🔥",
];

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// The text of each timeline item after its marker (`- time `MARK` author: text`).
fn timeline_texts(markdown: &str) -> Vec<String> {
    let mut texts = Vec::new();
    let mut in_timeline = false;
    let mut heading = String::new();
    let mut in_heading = false;
    let mut item: Option<String> = None;
    let mut after_marker = false;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                in_heading = true;
                heading.clear();
            }
            Event::End(TagEnd::Heading(_)) => {
                in_heading = false;
                in_timeline = heading == "Timeline";
            }
            Event::Start(Tag::Item) if in_timeline => {
                item = Some(String::new());
                after_marker = false;
            }
            Event::End(TagEnd::Item) => {
                if let Some(text) = item.take() {
                    texts.push(text);
                }
            }
            Event::Code(_) if item.is_some() => after_marker = true,
            Event::Text(t) => {
                if in_heading {
                    heading.push_str(&t);
                } else if let Some(text) = item.as_mut().filter(|_| after_marker) {
                    text.push_str(&t);
                }
            }
            _ => {}
        }
    }
    texts
}

#[test]
fn typed_text_renders_back_as_the_same_text_and_never_as_markup() {
    let env = Env::new();
    env.declare("[incident](http://x) <b>title</b> #");
    for typed in TYPED {
        env.ok(&["log", "--", typed]);
    }
    env.ok(&["log", "--kind", "decision", "*decided* [here](http://x)"]);
    env.ok(&[
        "--as",
        "[mallory](http://x)",
        "log",
        "from a name with markup",
    ]);
    let markdown = env.ok(&["export", "--format", "markdown"]);

    for event in Parser::new_ext(&markdown, options()) {
        match &event {
            Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::HtmlBlock | Tag::Emphasis)
            | Event::Html(_)
            | Event::InlineHtml(_) => panic!("{event:?} in the export:\n{markdown}"),
            _ => {}
        }
    }
    let texts = timeline_texts(&markdown);
    for typed in TYPED {
        let expected = format!(" alice: {}", warroom::inert::line(typed));
        assert!(
            texts.contains(&expected),
            "{typed:?} renders as typed; got:\n{texts:#?}"
        );
    }
    assert!(
        texts
            .iter()
            .any(|t| t == " alice: *decided* [here](http://x)"),
        "a decision (in bold) keeps its text: {texts:#?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t == " [mallory](http://x): from a name with markup"),
        "{texts:#?}"
    );
    let title: String = Parser::new_ext(&markdown, options())
        .skip_while(|e| !matches!(e, Event::Start(Tag::Heading { .. })))
        .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
        .filter_map(|e| match e {
            Event::Text(t) => Some(t.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(title, "[incident](http://x) <b>title</b> #");
    assert!(
        markdown.contains("-> EU first"),
        "`->` stays as typed in the raw file"
    );
}
