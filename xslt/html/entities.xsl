<?xml version="1.0" encoding="UTF-8"?>
<!-- entities: names and dates in the text, highlighted, each opening a popover with
     its register entry (names in both scripts, type, coordinates) or its normalised
     date; the popovers themselves; the register's entry summaries. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tt="urn:treatytei"
    exclude-result-prefixes="#all" expand-text="yes">

  <xsl:key name="entry" match="tei:person | tei:place | tei:org | tei:category | tei:bibl[@type = 'treaty'] | tei:calendar" use="@xml:id"/>

  <xsl:function name="tt:entry" as="element()?">
    <xsl:param name="ref" as="xs:string?"/>
    <xsl:sequence select="if ($register and $ref) then key('entry', substring-after($ref, '#'), $register)[1] else ()"/>
  </xsl:function>

  <!-- the number of a name or date among those of its document: the anchor that
       register pages link back to -->
  <!-- counted once per document as the tree is walked (xsl:number level="any" would
       rescan the document for every name: quadratic) -->
  <xsl:accumulator name="occ" as="xs:integer" initial-value="0">
    <xsl:accumulator-rule match="tei:persName[@ref] | tei:placeName[@ref] | tei:orgName[@ref] | tei:roleName[@ref] | tei:title[@ref] | tei:date[@when or @notBefore]"
        select="$value + 1"/>
  </xsl:accumulator>

  <xsl:function name="tt:occ-id" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="'o' || $el/accumulator-before('occ')"/>
  </xsl:function>

  <xsl:function name="tt:register-page" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="
      if ($entry/self::tei:person) then 'persons.html'
      else if ($entry/self::tei:place) then 'places.html'
      else 'organisations.html'"/>
  </xsl:function>

  <xsl:function name="tt:entry-type" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="
      if ($entry/self::tei:person) then tt:ui('t-person') || (if ($entry/@role) then ' (' || $entry/@role || ')' else '')
      else if ($entry/self::tei:place) then tt:ui('t-place') || (if ($entry/@type) then ': ' || replace($entry/@type, '-', ' ') else '')
      else if ($entry/self::tei:org) then tt:ui('t-org') || (if ($entry/@type) then ': ' || $entry/@type else '')
      else if ($entry/self::tei:category) then tt:ui('t-office')
      else if ($entry/self::tei:bibl) then tt:ui('t-treaty')
      else tt:ui('t-entry')"/>
  </xsl:function>

  <xsl:function name="tt:entry-name" as="element()?">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="($entry/(tei:persName | tei:placeName | tei:orgName | tei:title | tei:catDesc/tei:term)[starts-with(@xml:lang, 'zh')])[1]"/>
  </xsl:function>

  <!-- names in the text: a link to the register entry; with script, a click opens the
       entry in the page's one register popover instead (its content, for every entry,
       is in register.js, written once per script mode: pages stay small) -->
  <xsl:template match="tei:persName[@ref] | tei:placeName[@ref] | tei:orgName[@ref] | tei:roleName[@ref] | tei:title[@ref]" mode="text">
    <xsl:param name="occ" as="xs:boolean" select="true()" tunnel="yes"/>
    <xsl:variable name="id" select="substring-after(@ref, '#')"/>
    <xsl:variable name="entry" select="tt:entry(@ref)"/>
    <span class="ent ent-{local-name()}">
      <xsl:if test="$occ"><xsl:attribute name="id" select="tt:occ-id(.)"/></xsl:if>
      <xsl:call-template name="tt:lang-attr"/>
      <xsl:choose>
        <xsl:when test="$entry">
          <a class="ent-btn" href="{tt:register-page($entry)}#{$id}" data-ref="{$id}" aria-haspopup="dialog"><xsl:apply-templates mode="inert"/></a>
        </xsl:when>
        <xsl:otherwise>
          <span class="ent-missing" title="{tt:ui('no-entry', @ref)}"><xsl:apply-templates mode="inert"/></span>
        </xsl:otherwise>
      </xsl:choose>
    </span>
  </xsl:template>

  <xsl:template match="tei:date[@when or @notBefore]" mode="text">
    <xsl:param name="occ" as="xs:boolean" select="true()" tunnel="yes"/>
    <xsl:variable name="oid" select="tt:occ-id(.)"/>
    <span class="ent ent-date">
      <xsl:if test="$occ"><xsl:attribute name="id" select="$oid"/></xsl:if>
      <button type="button" class="ent-btn" popovertarget="pop-d{if ($occ) then '' else 'x'}-{$oid}" data-when="{(if (@when) then string(@when) else @notBefore || '/' || @notAfter)}"><xsl:apply-templates mode="inert"><xsl:with-param name="date-ids" select="$occ" tunnel="yes"/></xsl:apply-templates></button>
    </span>
  </xsl:template>

  <!-- inside a button nothing interactive: names, dates, links as plain text -->
  <!-- (here, not in apparatus.xsl: this module's import precedence is higher)
       a variant nested in a reading several witnesses share (C's 为 inside the reading A
       and C share against B): inside the reading's button, the witness's own reading,
       marked; its entry in the apparatus list and its popover give the readings -->
  <xsl:template match="tei:app" mode="inert" priority="3">
    <xsl:param name="wit" tunnel="yes"/>
    <xsl:variable name="rdg" select="tei:rdg[tt:cites(., $wit)]"/>
    <xsl:choose>
      <xsl:when test="@type = 'punctuation'"><xsl:apply-templates select="$rdg/node()" mode="inert"/></xsl:when>
      <xsl:otherwise><span class="var-in var-{@type}" data-app="{@xml:id}"><xsl:apply-templates select="$rdg/node()" mode="inert"/></span></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <!-- a name inside a reading box (which cannot hold a link): marked by its kind; the
       reading's popover links it to its entry -->
  <xsl:template match="tei:persName[@ref] | tei:placeName[@ref] | tei:orgName[@ref] | tei:roleName[@ref] | tei:title[@ref]" mode="inert" priority="2">
    <span class="ent-in ent-{local-name()}"><xsl:apply-templates mode="inert"/></span>
  </xsl:template>
  <xsl:template match="*" mode="inert">
    <xsl:apply-templates mode="inert"/>
  </xsl:template>
  <xsl:template match="tei:seg[@xml:lang] | tei:*[@xml:lang][not(self::tei:TEI)]" mode="inert" priority="2">
    <span lang="{@xml:lang}"><xsl:apply-templates mode="inert"/></span>
  </xsl:template>
  <!-- a date inside a date: its own anchor (the index of dates links to it) where the outer
       date is an occurrence in the text -->
  <xsl:template match="tei:date[@when or @notBefore]" mode="inert" priority="3">
    <xsl:param name="date-ids" as="xs:boolean" select="false()" tunnel="yes"/>
    <span class="ent-date-inner" title="{(if (@when) then string(@when) else @notBefore || '/' || @notAfter)}">
      <xsl:if test="$date-ids"><xsl:attribute name="id" select="tt:occ-id(.)"/></xsl:if>
      <xsl:apply-templates mode="inert"/></span>
  </xsl:template>
  <xsl:template match="tei:gap" mode="inert" priority="3">
    <span class="gap">⋯</span>
  </xsl:template>
  <!-- the normal form, or, where a witness is being read (a collation column), that
       witness's own characters -->
  <xsl:template match="tei:choice" mode="inert" priority="3">
    <xsl:param name="wit" tunnel="yes" as="xs:string?" select="()"/>
    <xsl:variable name="own" select="tei:orig[@source = '#' || $wit]"/>
    <xsl:choose>
      <xsl:when test="exists($wit) and $own"><span lang="{$own/@xml:lang}"><xsl:apply-templates select="$own/node()" mode="inert"/></span></xsl:when>
      <xsl:otherwise><xsl:apply-templates select="tei:reg" mode="inert"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="tt:lang-attr">
    <xsl:if test="@xml:lang"><xsl:attribute name="lang" select="@xml:lang"/></xsl:if>
  </xsl:template>

  <!-- the popovers of one page: the register popover (filled by script), one per date -->
  <xsl:template name="tt:popovers">
    <xsl:param name="scope" as="node()*"/>
    <xsl:param name="date-prefix" as="xs:string" select="'pop-d-'"/>
    <div class="popovers">
      <xsl:if test="$scope//(tei:persName | tei:placeName | tei:orgName | tei:roleName | tei:title)[@ref]">
        <div popover="" id="pop-entity" class="pop" role="dialog" aria-label="{tt:ui('register-entry')}">
          <div class="pop-body"></div>
          <button type="button" class="pop-close" popovertarget="pop-entity" popovertargetaction="hide">{tt:ui('close')}</button>
        </div>
        <script src="register.js" defer=""></script>
      </xsl:if>
      <xsl:for-each select="$scope//tei:date[@when or @notBefore]">
        <xsl:call-template name="tt:date-popover">
          <xsl:with-param name="pid" select="$date-prefix || tt:occ-id(.)"/>
        </xsl:call-template>
      </xsl:for-each>
    </div>
  </xsl:template>

  <!-- why two days a source gives as one may differ (the same rules as the Schematron's
       date-consistency and the dates check of the command line) -->
  <xsl:function name="tt:date-diagnosis" as="xs:string">
    <xsl:param name="a" as="xs:string?"/>
    <xsl:param name="b" as="xs:string?"/>
    <xsl:variable name="days" select="if ($a castable as xs:date and $b castable as xs:date)
        then abs(days-from-duration(xs:date($a) - xs:date($b))) else -1"/>
    <xsl:variable name="yr" select="if ($a castable as xs:date) then year-from-date(xs:date($a)) else 0"/>
    <xsl:sequence select="
      if ($days = ($yr idiv 100 - $yr idiv 400 - 2)) then tt:ui('diff-julian', $days)
      else if ($days = 1) then tt:ui('diff-day')
      else if ($days ge 28 and $days le 31) then tt:ui('diff-month')
      else if ($days ge 350 and $days le 390) then tt:ui('diff-year')
      else if ($days gt 0) then tt:ui('diff-days', $days)
      else tt:ui('differ')"/>
  </xsl:function>

  <xsl:template name="tt:date-popover">
    <xsl:param name="pid" as="xs:string"/>
    <div popover="" id="{$pid}" class="pop pop-date" role="dialog" aria-label="{tt:ui('date')}">
      <p class="pop-head" lang="{tt:lang(.)}">{tt:plain(.)}</p>
      <dl>
        <dt>{tt:ui('gregorian')}</dt><dd><time datetime="{(if (@when) then string(@when) else @notBefore || '/' || @notAfter)}">{(if (@when) then string(@when) else @notBefore || '/' || @notAfter)}</time><xsl:if test="not(@when)"> {tt:ui('day-not-given')}</xsl:if></dd>
        <xsl:if test="@datingMethod">
          <dt>{tt:ui('calendar-of-source')}</dt>
          <dd>{if (@datingMethod = '#julian') then tt:ui('cal-julian') else if (@datingMethod = '#chinese-qing') then tt:ui('cal-qing') else if (@datingMethod = '#chinese') then tt:ui('cal-chinese') else @datingMethod}: <span lang="{tt:lang(.)}">{@when-custom}</span></dd>
        </xsl:if>
        <xsl:for-each select="tei:date[@when or @notBefore]">
          <dt>{tt:ui('inside-it')}</dt><dd><span lang="{tt:lang(.)}">{tt:plain(.)}</span> = {(if (@when) then string(@when) else @notBefore || '/' || @notAfter)}</dd>
        </xsl:for-each>
        <xsl:if test="@corresp">
          <xsl:variable name="me" select="."/>
          <dt>{tt:ui('same-day')}</dt>
          <dd><ul>
            <xsl:for-each select="tokenize(@corresp)">
              <xsl:variable name="d" select="root($me)//tei:date[@xml:id = substring-after(current(), '#')]"/>
              <li><span lang="{tt:lang($d)}">{tt:plain($d)}</span> = {$d/@when}<xsl:if test="$d/@when != $me/@when"> <strong class="disagree">{tt:ui('disagrees', tt:date-diagnosis($me/@when, $d/@when))}</strong></xsl:if></li>
            </xsl:for-each>
          </ul></dd>
        </xsl:if>
      </dl>
      <p><a href="dates.html#d-{replace(if (@when) then string(@when) else @notBefore || '/' || @notAfter, '/', '--')}">{tt:ui('in-date-index')}</a></p>
      <button type="button" class="pop-close" popovertarget="{$pid}" popovertargetaction="hide">{tt:ui('close')}</button>
    </div>
  </xsl:template>

  <xsl:function name="tt:plain" as="xs:string">
    <xsl:param name="el" as="element()?"/>
    <!-- the source's characters: not a witness's <orig> beside the normal form, not
         the edition's gap descriptions and notes (inside $el; $el may itself be a note) -->
    <xsl:sequence select="string-join($el//text()[not((ancestor::tei:orig | ancestor::tei:desc | ancestor::tei:note) intersect $el/descendant::*)], '')"/>
  </xsl:function>

  <!-- register.js: every register entry in short, as HTML, by xml:id, for the register
       popover of the text and collation pages (one file per script mode) -->
  <xsl:template name="tt:register-data">
    <xsl:variable name="entries" select="$register//(tei:person | tei:place | tei:org | tei:category | tei:bibl[@type = 'treaty'])[@xml:id]"/>
    <xsl:text>window.TREATYTEI_REGISTER = {{&#10;</xsl:text>
    <xsl:for-each select="$entries">
      <xsl:variable name="html"><xsl:apply-templates select="." mode="summary"/></xsl:variable>
      <xsl:value-of select="tt:js-string(@xml:id) || ': ' || tt:js-string(serialize($html, map{'method': 'html', 'html-version': 5.0}))
                            || (if (position() lt last()) then ',' else '') || '&#10;'"/>
    </xsl:for-each>
    <xsl:text>}};&#10;</xsl:text>
  </xsl:template>

  <!-- a JavaScript string literal (JSON rules; '<' escaped, so that no '</script' can appear) -->
  <xsl:function name="tt:js-string" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:sequence select="'&quot;' || replace(replace(replace(replace(replace(replace($s, '\\', '\\\\'), '&quot;', '\\&quot;'),
        '&#10;', '\\n'), '&#13;', '\\r'), '&#9;', '\\t'), '&lt;', '\\u003c') || '&quot;'"/>
  </xsl:function>

  <!-- a register entry in short: for popovers and register pages -->
  <xsl:template match="*" mode="summary">
    <xsl:param name="full" as="xs:boolean" select="false()"/>
    <xsl:variable name="main" select="tt:entry-name(.)"/>
    <p class="pop-head"><span lang="{$main/@xml:lang}">{$main}</span><xsl:for-each select="tt:pinyin(.)"><xsl:text> </xsl:text><span class="py" lang="zh-Latn-pinyin">{.}</span></xsl:for-each> <span class="etype">{tt:entry-type(.)}</span></p>
    <ul class="names">
      <xsl:for-each select="(tei:persName | tei:placeName | tei:orgName | tei:title | tei:catDesc/tei:term)[. != $main][not(@xml:lang = 'zh-Latn-pinyin')]">
        <!-- on a neutral page, a name that reads as the entry's own name in a converted
             tree is left out there (中國 beside 中国 in the simplified tree) -->
        <xsl:variable name="alike" select="if ($mode = 'neutral') then tt:alike-in(string(.), string($main)) else ()"/>
        <xsl:if test="exists($alike)"><xsl:comment>tt-mode{$token-key} {('orig', 'hans', 'hant')[not(. = $alike)]}</xsl:comment></xsl:if>
        <li><span lang="{@xml:lang}">{.}</span> <span class="lang-tag">{if ($mode = 'neutral' and starts-with(@xml:lang, 'zh')) then tt:mode-token('lang:' || @xml:lang) else string(@xml:lang)}</span></li>
        <xsl:if test="exists($alike)"><xsl:comment>/tt-mode{$token-key}</xsl:comment></xsl:if>
      </xsl:for-each>
    </ul>
    <xsl:for-each select="tei:location/tei:geo">
      <p class="geo">{tt:ui('coords', (tokenize(.)[1], tokenize(.)[2]))}<xsl:if test="../@cert"> {tt:ui('certainty', ../@cert)}</xsl:if></p>
    </xsl:for-each>
    <xsl:for-each select="tei:date[@when or @notBefore]"><p>{tt:ui('year', @when)}</p></xsl:for-each>
    <xsl:for-each select="tei:note | tei:catDesc[@xml:lang = 'en']"><p class="note">{.}</p></xsl:for-each>
    <xsl:if test="not($full)">
      <p><a href="{tt:register-page(.)}#{@xml:id}">{tt:ui('entry-link')}</a></p>
    </xsl:if>
  </xsl:template>
  <!-- the romanisation of an entry: its first Hanyu Pinyin name (register order: pinyin
       without tones and spaces; an entry without one goes last, by its name) -->
  <xsl:function name="tt:pinyin" as="xs:string?">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="($entry//*[@xml:lang = 'zh-Latn-pinyin'])[1] ! normalize-space(.)"/>
  </xsl:function>
  <!-- register entries in the registers' order (site and print) -->
  <xsl:function name="tt:in-pinyin-order" as="element()*">
    <xsl:param name="entries" as="element()*"/>
    <xsl:perform-sort select="$entries">
      <xsl:sort select="tt:pinyin-key(.)"/>
      <xsl:sort select="string(tt:pinyin(.))"/>
      <xsl:sort select="string(@xml:id)"/>
    </xsl:perform-sort>
  </xsl:function>
  <!-- the initial an entry is listed under: its pinyin's first letter; '' without pinyin -->
  <xsl:function name="tt:initial" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="let $k := upper-case(substring(tt:pinyin-key($entry), 1, 1)) return if ($k = '~') then '' else $k"/>
  </xsl:function>
  <xsl:function name="tt:pinyin-key" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="py" select="tt:pinyin($entry)"/>
    <xsl:sequence select="if ($py) then lower-case(replace(replace(normalize-unicode($py, 'NFD'), '\p{M}', ''), '[^\p{L}\p{N}]', ''))
                          else '~' || string(tt:entry-name($entry))"/>
  </xsl:function>
</xsl:stylesheet>
