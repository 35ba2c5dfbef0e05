<?xml version="1.0" encoding="UTF-8"?>
<!-- common: parameters, the documents, the page shell, navigation, safe links. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tt="urn:treatytei"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    exclude-result-prefixes="#all" expand-text="yes">

  <!-- one page (page, target), or every page of the site: page = 'all' -->
  <xsl:param name="page" as="xs:string" select="'all'"/>
  <xsl:param name="target" as="xs:string" select="''"/>
  <!-- the script tree: orig | hans | hant, or neutral: one page for all three, its
       mode-dependent parts as placeholders that publish_html resolves per tree (where it
       also converts the Chinese text); see tt:mode-token -->
  <xsl:param name="mode" as="xs:string" select="'orig'"/>
  <!-- on a neutral page, part of every placeholder and marker (tt:mode-token, tt-mode,
       tt-keep): publish_html derives it from a hash of every input, so that no text of
       the edition can contain a placeholder and have it filled in -->
  <xsl:param name="token-key" as="xs:string" select="''"/>
  <xsl:param name="tei-dir" as="xs:string"/>
  <xsl:param name="texts" as="xs:string" select="''"/>
  <xsl:param name="apparatus" as="xs:string" select="''"/>
  <!-- the witnesses of every apparatus, as the build knows them: 'file|apparatus|siglum'
       tokens (so that a single page need not read every apparatus); empty: read from
       the apparatus files themselves -->
  <xsl:param name="witnesses" as="xs:string" select="''"/>
  <!-- the address the site is published at ([edition] base_url in sources.toml), for
       citations as full URLs; empty: citations give the page relative to the edition -->
  <xsl:param name="base-url" as="xs:string" select="''"/>
  <!-- 'yes' when the print edition (dist/treatytei-edition.pdf) is there to link to -->
  <xsl:param name="has-print" as="xs:string" select="''"/>
  <!-- the places map: its extent ('west east south north', degrees) and base layers (an
       SVG group in the map's coordinates, from treatytei.basemap); empty: a plain grid -->
  <xsl:param name="map-bbox" as="xs:string" select="''"/>
  <xsl:param name="basemap" as="xs:string" select="''"/>

  <!-- a page (and anchor) as cited: always in the original tree (the sources' own
       characters: a citation must not send a reader to a converted copy) -->
  <!-- a paragraph that holds nothing but wiki templates the dump left ({{-}}): nothing to
       show or print -->
  <xsl:function name="tt:template-only" as="xs:boolean">
    <xsl:param name="p" as="element()"/>
    <xsl:sequence select="exists($p/tei:seg[@type = 'template']) and empty($p/(* except tei:seg[@type = 'template']))
                          and not(normalize-space(string-join($p/text(), '')))"/>
  </xsl:function>

  <xsl:function name="tt:cite-url" as="xs:string">
    <xsl:param name="page" as="xs:string"/>
    <xsl:sequence select="$base-url || $page"/>
  </xsl:function>

  <!-- the release a citation names -->
  <xsl:function name="tt:release" as="xs:string">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="string((root($doc)//tei:publicationStmt/tei:date/@when)[1])"/>
  </xsl:function>

  <!-- the texts in citation order: witnesses by siglum, then the others by title -->
  <xsl:function name="tt:docs-by-siglum" as="document-node()*">
    <xsl:perform-sort select="tt:text-docs()">
      <xsl:sort select="if (tt:siglum(.)) then 0 else 1"/>
      <xsl:sort select="string(tt:siglum(.))"/>
      <xsl:sort select="tt:title(.)"/>
    </xsl:perform-sort>
  </xsl:function>
  <!-- the Chinese names of the register in both scripts, as JSON {name: [simplified,
       traditional]} (from OpenCC, by the build): used by the neutral page to leave out,
       in a converted tree, a name that reads there as the entry's own name -->
  <xsl:param name="script-forms" as="xs:string" select="'{}'"/>
  <xsl:variable name="forms" as="map(*)" select="parse-json($script-forms)"/>

  <!-- the converted trees (hans, hant) in which two names read alike -->
  <xsl:function name="tt:alike-in" as="xs:string*">
    <xsl:param name="a" as="xs:string"/>
    <xsl:param name="b" as="xs:string"/>
    <xsl:sequence select="if (map:contains($forms, $a) and map:contains($forms, $b))
                          then (for $i in (1, 2) return ('hans', 'hant')[$i][$forms($a)($i) = $forms($b)($i)])
                          else ()"/>
  </xsl:function>

  <!-- the documents, read when a page needs them (functions, not global variables:
       Saxon would read every document for every page, even for a page needing one) -->
  <xsl:function name="tt:text-docs" as="document-node()*">
    <xsl:sequence select="for $f in tokenize($texts) return doc($tei-dir || $f)"/>
  </xsl:function>
  <xsl:function name="tt:app-docs" as="document-node()*">
    <xsl:sequence select="for $f in tokenize($apparatus) return doc($tei-dir || $f)"/>
  </xsl:function>
  <xsl:variable name="register" as="document-node()?"
      select="if (doc-available($tei-dir || 'register.xml')) then doc($tei-dir || 'register.xml') else ()"/>

  <!-- where this page sits: the original tree at the site's root, the converted ones below -->
  <xsl:variable name="up" as="xs:string" select="if ($mode = 'orig') then '' else if ($mode = 'neutral') then tt:mode-token('up') else '../'"/>
  <xsl:variable name="assets" as="xs:string" select="$up || 'assets/'"/>

  <!-- The interface's strings, one catalogue per language (ui/en.json, ui/zh.json: Chinese,
       which the 简体 and 繁體 trees' pages convert to their script with the rest of their
       Chinese text). The interface speaks the tree's language: English in the tree of the
       sources' own characters, Chinese in 简体 and 繁體. "{1}", "{2}" in a string are the
       values given. On a neutral page a string is a placeholder that publish_html fills in
       per tree (tt:mode-token 'ui:KEY', values after U+E001). -->
  <xsl:variable name="ui-catalogues" as="map(*)" select="map{
      'en': json-doc(resolve-uri('ui/en.json', static-base-uri())),
      'zh': json-doc(resolve-uri('ui/zh.json', static-base-uri()))}"/>
  <xsl:function name="tt:ui" as="xs:string">
    <xsl:param name="key" as="xs:string"/>
    <xsl:sequence select="tt:ui($key, ())"/>
  </xsl:function>
  <xsl:function name="tt:ui" as="xs:string">
    <xsl:param name="key" as="xs:string"/>
    <xsl:param name="values" as="xs:anyAtomicType*"/>
    <xsl:sequence select="
      if ($mode = 'neutral') then tt:mode-token(string-join(('ui:' || $key, $values ! string(.)), '&#xE001;'))
      else tt:ui-in(if ($mode = 'orig') then 'en' else 'zh', $key, $values)"/>
  </xsl:function>
  <!-- a string in one language, whatever the page's tree (also for the parts of a neutral
       page written in some trees only) -->
  <xsl:function name="tt:ui-in" as="xs:string">
    <xsl:param name="lang" as="xs:string"/>
    <xsl:param name="key" as="xs:string"/>
    <xsl:param name="values" as="xs:anyAtomicType*"/>
    <xsl:sequence select="tt:ui-format(($ui-catalogues($lang)($key),
                         error(xs:QName('tt:ui'), 'interface string ' || $key || ' is missing from xslt/html/ui/'))[1],
                         $values ! string(.))"/>
  </xsl:function>
  <xsl:function name="tt:ui-format" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:param name="values" as="xs:string*"/>
    <xsl:sequence select="if (empty($values)) then $s
      else tt:ui-format(replace($s, '\{' || count($values) || '\}', replace($values[last()], '([\\$])', '\\$1')), $values[position() lt last()])"/>
  </xsl:function>
  <!-- the interface's language tag: en, or the tree's Chinese one -->
  <xsl:variable name="ui-lang" as="xs:string" select="
    if ($mode = 'neutral') then tt:mode-token('lang:en') else if ($mode = 'orig') then 'en' else if ($mode = 'hans') then 'zh-Hans' else 'zh-Hant'"/>
  <!-- witness sigla by the file name of the witness, from every apparatus -->
  <xsl:variable name="witness-rows" as="array(xs:string)*" select="
      if (normalize-space($witnesses)) then tokenize($witnesses) ! array{tokenize(., '\|')}
      else for $d in tt:app-docs(), $w in $d//tei:listWit/tei:witness
           return array{string($w/@corresp), tokenize(base-uri($d), '/')[last()], string(($w/@n, $w/@xml:id)[1])}"/>
  <xsl:variable name="siglum-of" as="map(xs:string, xs:string)"
      select="map:merge($witness-rows ! map:entry(?1, ?3), map{'duplicates': 'use-first'})"/>

  <xsl:function name="tt:page-file" as="xs:string">
    <xsl:param name="page" as="xs:string"/>
    <xsl:param name="target" as="xs:string"/>
    <xsl:sequence select="
      if ($page = 'text') then $target || '.html'
      else if ($page = 'collation') then 'collation-' || $target || '.html'
      else if ($page = 'register-data') then 'register.js'
      else $page || '.html'"/>
  </xsl:function>

  <!-- the page of a TEI text, by its root xml:id -->
  <xsl:function name="tt:doc-page" as="xs:string">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="root($doc)/tei:TEI/@xml:id || '.html'"/>
  </xsl:function>

  <!-- a link target from a source is used only if it is http(s) or a plain relative
       reference; javascript:, data: and every other scheme are rendered inert -->
  <xsl:function name="tt:safe-href" as="xs:string?">
    <xsl:param name="url" as="xs:string?"/>
    <xsl:variable name="u" select="normalize-space($url)"/>
    <xsl:sequence select="
      if (matches($u, '^https?://[^\s]+$', 'i')) then $u
      else if (matches($u, '^[#A-Za-z0-9_./-]') and not(matches($u, '^[A-Za-z][A-Za-z0-9+.-]*:'))) then $u
      else ()"/>
  </xsl:function>

  <xsl:function name="tt:lang" as="xs:string?">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="($node/ancestor-or-self::*[@xml:lang][1]/@xml:lang)[1]"/>
  </xsl:function>

  <xsl:function name="tt:title" as="xs:string">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="string((root($doc)//tei:titleStmt/tei:title[@type = 'main'])[1])"/>
  </xsl:function>

  <!-- the apparatus file a witness file belongs to, by the witness file's name -->
  <xsl:variable name="app-of" as="map(xs:string, xs:string)"
      select="map:merge($witness-rows ! map:entry(?1, ?2), map{'duplicates': 'use-first'})"/>

  <xsl:function name="tt:siglum" as="xs:string?">
    <xsl:param name="doc" as="node()"/>
    <xsl:sequence select="$siglum-of(root($doc)/tei:TEI/@xml:id || '.xml')"/>
  </xsl:function>

  <!-- every page of the site: (page, target, file) triples as maps -->
  <xsl:function name="tt:pages" as="map(*)*">
    <xsl:sequence select="
      map{'page': 'index', 'target': ''},
      tokenize($texts) ! map{'page': 'text', 'target': replace(., '\.xml$', '')},
      tokenize($apparatus) ! map{'page': 'collation', 'target': substring-before(., '.apparatus.xml')},
      ('persons', 'places', 'organisations', 'dates', 'search', 'register-data') ! map{'page': ., 'target': ''}"/>
  </xsl:function>

  <!-- the collation pages: one link in the header when there is one, else the index lists them -->
  <xsl:function name="tt:collation-file" as="xs:string">
    <xsl:param name="app" as="item()"/>
    <xsl:variable name="name" select="if ($app instance of node()) then tokenize(base-uri($app), '/')[last()] else string($app)"/>
    <xsl:sequence select="'collation-' || substring-before($name, '.apparatus.xml') || '.html'"/>
  </xsl:function>

  <!-- where an element stands: "Article 3", "Preamble", "§ 背景", "Editorial note" -->
  <xsl:function name="tt:place-label" as="xs:string">
    <xsl:param name="el" as="node()"/>
    <xsl:variable name="div" select="$el/ancestor::tei:div[@type = ('article', 'preamble', 'section')][1]"/>
    <xsl:sequence select="
      if ($el/ancestor::tei:front) then tt:ui('place-header')
      else if ($div/@type = 'article') then tt:ui('place-article', $div/@n)
      else if ($div/@type = 'preamble') then tt:ui('place-preamble')
      else if ($div/@type = 'section') then '§ ' || normalize-space($div/tei:head)
      else tt:ui('place-opening')"/>
  </xsl:function>

  <xsl:function name="tt:anchor" as="xs:string">
    <xsl:param name="div" as="element(tei:div)"/>
    <xsl:sequence select="
      if ($div/@type = 'article') then 'art-' || $div/@n
      else if ($div/@type = 'preamble') then 'preamble'
      else 'sec-' || $div/@n"/>
  </xsl:function>

  <!-- the page shell. Each page's content is a template of mode tt:content matching the
       page's name ('text', 'collation', ...): the shell applies it in place, instead of
       copying a tree built beforehand (what a page template computes for its content,
       it hands on as tunnel parameters named content-*) -->
  <xsl:mode name="tt:content" on-no-match="fail"/>

  <xsl:template name="tt:shell">
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="page" as="xs:string" tunnel="yes"/>
    <xsl:param name="this-page" as="xs:string" tunnel="yes"/>
    <xsl:param name="body-class" as="xs:string" select="$page"/>
    <html lang="{$ui-lang}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>{$title} · treatytei</title>
        <link rel="stylesheet" href="{$assets}style.css"/>
        <script src="{$assets}edition.js" defer=""></script>
      </head>
      <body class="{$body-class}" data-mode="{if ($mode = 'neutral') then tt:mode-token('mode') else $mode}" data-page="{$this-page}">
        <!-- the strings edition.js writes, in the page's language -->
        <span id="tt-ui" hidden="" data-offer="{tt:ui('js-offer')}" data-passages="{tt:ui('js-passages')}" data-more="{tt:ui('js-more')}" data-suggest="{tt:ui('js-suggest')}"></span>
        <a class="skip" href="#main">{tt:ui('skip')}</a>
        <header class="site">
          <a class="brand" href="index.html">treatytei</a>
          <nav aria-label="{tt:ui('nav-label')}">
            <ul>
              <li><a href="index.html">{tt:ui('nav-sources')}</a></li>
              <xsl:choose>
                <xsl:when test="count(tokenize($apparatus)) = 1"><li><a href="{tt:collation-file(tokenize($apparatus))}">{tt:ui('nav-collated')}</a></li></xsl:when>
                <xsl:when test="exists(tokenize($apparatus))"><li><a href="index.html#collations">{tt:ui('nav-collations')}</a></li></xsl:when>
              </xsl:choose>
              <li><a href="persons.html">{tt:ui('nav-persons')}</a></li>
              <li><a href="places.html">{tt:ui('nav-places')}</a></li>
              <li><a href="organisations.html">{tt:ui('nav-orgs')}</a></li>
              <li><a href="dates.html">{tt:ui('nav-dates')}</a></li>
              <li><a href="search.html">{tt:ui('nav-search')}</a></li>
            </ul>
          </nav>
          <!-- the labels name the trees: never converted -->
          <xsl:call-template name="tt:as-is"><xsl:with-param name="content">
          <div class="script-switch" role="group" aria-label="{tt:ui('switch-label')}" translate="no">
            <xsl:for-each select="('orig', 'hans', 'hant')">
              <xsl:variable name="m" select="."/>
              <a href="{tt:mode-href($m, $this-page)}" data-mode="{$m}" lang="{if ($m = 'hant') then 'zh-Hant' else if ($m = 'hans') then 'zh-Hans' else 'en'}">
                <xsl:if test="$m = $mode"><xsl:attribute name="aria-current" select="'true'"/></xsl:if>
                <xsl:if test="$mode = 'neutral'"><xsl:attribute name="aria-current" select="tt:mode-token('current-' || $m)"/></xsl:if>
                <xsl:attribute name="title" select="tt:ui('switch-' || $m || '-title')"/>
                {if ($m = 'orig') then 'Original' else if ($m = 'hans') then '简体' else '繁體'}
              </a>
            </xsl:for-each>
          </div>
          </xsl:with-param></xsl:call-template>
        </header>
        <main id="main">
          <xsl:apply-templates select="$page" mode="tt:content"/>
        </main>
        <footer class="site">
          <p>{tt:ui('footer')} <a href="index.html#cite">{tt:ui('footer-cite')}</a> · <a href="index.html#downloads">{tt:ui('footer-tei')}</a>.</p>
          <p class="mode-note">
            <xsl:choose>
              <xsl:when test="$mode = 'neutral'">
                <xsl:for-each select="('orig', 'hans', 'hant')">
                  <xsl:comment>tt-mode{$token-key} {.}</xsl:comment>{tt:mode-note(.)}<xsl:comment>/tt-mode{$token-key}</xsl:comment>
                </xsl:for-each>
              </xsl:when>
              <xsl:otherwise>{tt:mode-note($mode)}</xsl:otherwise>
            </xsl:choose>
          </p>
        </footer>
      </body>
    </html>
  </xsl:template>

  <!-- content shown as it is in every script tree (examples of characters, the names of
       the trees): on a neutral page marked tt-keep, so that for_mode leaves it alone -->
  <xsl:template name="tt:as-is">
    <xsl:param name="content" as="node()*"/>
    <xsl:if test="$mode = 'neutral'"><xsl:comment>tt-keep{$token-key}</xsl:comment></xsl:if>
    <xsl:sequence select="$content"/>
    <xsl:if test="$mode = 'neutral'"><xsl:comment>/tt-keep{$token-key}</xsl:comment></xsl:if>
  </xsl:template>

  <xsl:function name="tt:mode-note" as="xs:string">
    <xsl:param name="m" as="xs:string"/>
    <xsl:sequence select="if ($m = 'orig') then tt:ui-in('en', 'mode-note-orig', ()) else tt:ui-in('zh', 'mode-note-conv', tt:ui-in('zh', if ($m = 'hans') then 'simplified' else 'traditional', ()))"/>
  </xsl:function>

  <!-- a placeholder of the neutral page (up: the path to the site's root; mode: the
       tree; current-M: aria-current of the switch to tree M), resolved by
       publish_html.for_mode; lang:L: the language tag L of a Chinese name, as shown in
       the text, which is the tree's in a converted tree); private-use characters around
       an ASCII name and the token key -->
  <xsl:function name="tt:mode-token" as="xs:string">
    <xsl:param name="name" as="xs:string"/>
    <xsl:sequence select="'&#xE000;tt' || $token-key || '-' || $name || '&#xE000;'"/>
  </xsl:function>

  <xsl:function name="tt:mode-href" as="xs:string">
    <xsl:param name="m" as="xs:string"/>
    <xsl:param name="this-page" as="xs:string"/>
    <xsl:sequence select="$up || (if ($m = 'orig') then '' else if ($m = 'hans') then 'zh-Hans/' else 'zh-Hant/') || $this-page"/>
  </xsl:function>

  <xsl:template name="tt:search-page">
    <xsl:call-template name="tt:shell">
      <xsl:with-param name="title" select="tt:ui('search-title')"/>
    </xsl:call-template>
  </xsl:template>

  <!-- the content of the page (tt:search-page), written straight into the shell's <main> -->
  <xsl:template match=".[. = 'search']" mode="tt:content">
        <h1>{tt:ui('search-h1')}</h1>
        <form class="search" role="search" action="search.html" method="get">
          <label for="q">{tt:ui('search-label')}</label>
          <input id="q" name="q" type="search" autocomplete="off"/>
          <button type="submit">{tt:ui('search-button')}</button>
        </form>
        <p class="hint">{tt:ui('search-hint-1')} <xsl:call-template name="tt:as-is"><xsl:with-param name="content"><span lang="zh" translate="no">(拏/拿, 爲/为 …)</span></xsl:with-param></xsl:call-template>{tt:ui('search-hint-2')}</p>
        <div id="results" aria-live="polite"></div>
        <script src="{$assets}search-index-{if ($mode = 'neutral') then tt:mode-token('mode') else $mode}.js" defer=""></script>
  </xsl:template>
</xsl:stylesheet>
