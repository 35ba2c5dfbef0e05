<?xml version="1.0" encoding="UTF-8"?>
<!-- registers: persons, places (with a plotted overview), organisations, offices and
     treaties, and the chronological index of dates; each entry links back to every
     occurrence in the texts. -->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:math="http://www.w3.org/2005/xpath-functions/math"
    xmlns:map="http://www.w3.org/2005/xpath-functions/map"
    xmlns:tei="http://www.tei-c.org/ns/1.0"
    xmlns:tt="urn:treatytei"
    exclude-result-prefixes="#all" expand-text="yes">

  <xsl:key name="by-ref" match="tei:*[@ref]" use="tokenize(@ref) ! substring-after(., '#')"/>

  <xsl:template name="tt:register-page">
    <xsl:param name="page" as="xs:string" tunnel="yes"/>
    <xsl:variable name="title" select="tt:ui(map{'persons': 'reg-persons', 'places': 'reg-places', 'organisations': 'reg-orgs', 'dates': 'reg-dates'}($page))"/>
    <xsl:call-template name="tt:shell">
      <xsl:with-param name="title" select="$title"/>
      <xsl:with-param name="body-class" select="'register-page'"/>
      <xsl:with-param name="content-title" select="$title" tunnel="yes"/>
    </xsl:call-template>
  </xsl:template>

  <!-- the content of the page (tt:register-page), written straight into the shell's <main> -->
  <xsl:template match=".[. = ('persons', 'places', 'organisations', 'dates')]" mode="tt:content">
    <xsl:param name="content-title" tunnel="yes"/>
    <xsl:param name="page" as="xs:string" tunnel="yes"/>
    <xsl:variable name="title" select="$content-title"/>
        <h1>{$title}</h1>
        <xsl:choose>
          <xsl:when test="$page = 'persons'">
            <xsl:call-template name="tt:entries"><xsl:with-param name="entries" select="$register//tei:listPerson/tei:person"/></xsl:call-template>
          </xsl:when>
          <xsl:when test="$page = 'places'">
            <xsl:call-template name="tt:map"/>
            <xsl:call-template name="tt:entries"><xsl:with-param name="entries" select="$register//tei:listPlace/tei:place"/></xsl:call-template>
          </xsl:when>
          <xsl:when test="$page = 'organisations'">
            <h2>{tt:ui('reg-h-orgs')}</h2>
            <xsl:call-template name="tt:entries"><xsl:with-param name="entries" select="$register//tei:listOrg/tei:org"/><xsl:with-param name="key" select="'org'"/></xsl:call-template>
            <h2>{tt:ui('reg-h-offices')}</h2>
            <xsl:call-template name="tt:entries"><xsl:with-param name="entries" select="$register//tei:taxonomy[@xml:id = 'offices']/tei:category"/><xsl:with-param name="key" select="'office'"/></xsl:call-template>
            <h2>{tt:ui('reg-h-treaties')}</h2>
            <xsl:call-template name="tt:entries"><xsl:with-param name="entries" select="$register//tei:listBibl/tei:bibl"/><xsl:with-param name="key" select="'treaty'"/></xsl:call-template>
          </xsl:when>
          <xsl:otherwise><xsl:call-template name="tt:date-index"/></xsl:otherwise>
        </xsl:choose>
  </xsl:template>

  <!-- a register: a filter, a jump list of initials, the entries in Hanyu Pinyin order under
       their initial -->
  <xsl:template name="tt:entries">
    <xsl:param name="entries" as="element()*"/>
    <xsl:param name="key" as="xs:string" select="'e'"/>
    <xsl:variable name="sorted" select="tt:in-pinyin-order($entries)"/>
    <xsl:variable name="initial" select="function($e) { (tt:initial($e)[. != ''], '#')[1] }"/>
    <div class="reg-tools">
      <label class="reg-filter">{tt:ui((('filter-' || $key)[$key = ('org', 'office', 'treaty')], 'filter')[1])} <input type="search" data-filter="{$key}" autocomplete="off"/></label>
      <nav class="jump" aria-label="{tt:ui((('initials-' || $key)[$key = ('org', 'office', 'treaty')], 'initials')[1])}">
        <xsl:for-each select="distinct-values($sorted ! $initial(.))">
          <a href="#ini-{$key}-{if (. = '#') then 'other' else .}">{.}</a>
        </xsl:for-each>
      </nav>
    </div>
    <div class="entries" data-entries="{$key}">
      <xsl:for-each-group select="$sorted" group-adjacent="$initial(.)">
        <p class="letter" id="ini-{$key}-{if (current-grouping-key() = '#') then 'other' else current-grouping-key()}">{current-grouping-key()}</p>
      <xsl:for-each select="current-group()">
        <xsl:variable name="id" select="string(@xml:id)"/>
        <xsl:variable name="occ" select="tt:text-docs() ! key('by-ref', $id, .)[ancestor::tei:text or ancestor::tei:notesStmt]"/>
        <article class="entry" id="{$id}" data-search="{lower-case(string-join((.//(tei:persName | tei:placeName | tei:orgName | tei:title | tei:term), tt:pinyin-key(.)), ' '))}">
          <xsl:apply-templates select="." mode="summary"><xsl:with-param name="full" select="true()"/></xsl:apply-templates>
          <xsl:choose>
            <xsl:when test="$occ">
              <p class="occ-head">{tt:ui('occurrences', count($occ))}</p>
              <ul class="occurrences">
                <xsl:for-each-group select="$occ" group-by="root(.)/tei:TEI/@xml:id">
                  <li><span class="src" lang="{tt:lang(root(.)/tei:TEI)}">{tt:title(.)}</span>:
                    <xsl:for-each select="current-group()">
                      <xsl:if test="position() gt 1">, </xsl:if>
                      <a href="{tt:doc-page(.)}#{tt:occ-id(.)}"><span lang="{tt:lang(.)}">{tt:plain(.)}</span> ({tt:place-label(.)})</a>
                    </xsl:for-each>
                  </li>
                </xsl:for-each-group>
              </ul>
            </xsl:when>
            <xsl:otherwise><p class="occ-head">{tt:ui('not-named')}</p></xsl:otherwise>
          </xsl:choose>
        </article>
      </xsl:for-each>
      </xsl:for-each-group>
    </div>
  </xsl:template>

  <!-- places with coordinates on a base map (land, lakes, rivers and today's borders from
       Natural Earth, made by treatytei.basemap in the same projection: equirectangular,
       12 px a degree); without its data, on a plain grid. Zoom and pan by buttons, drag,
       wheel or keys (edition.js). -->
  <xsl:template name="tt:map">
    <xsl:variable name="pts" select="$register//tei:place[tei:location/tei:geo]"/>
    <xsl:variable name="lats" select="$pts ! xs:double(tokenize(tei:location/tei:geo)[1])"/>
    <xsl:variable name="lons" select="$pts ! xs:double(tokenize(tei:location/tei:geo)[2])"/>
    <xsl:variable name="given" select="tokenize($map-bbox) ! xs:double(.)"/>
    <xsl:variable name="w0" select="if (count($given) = 4) then $given[1] else floor((min($lons) - 3) div 5) * 5"/>
    <xsl:variable name="e0" select="if (count($given) = 4) then $given[2] else ceiling((max($lons) + 3) div 5) * 5"/>
    <xsl:variable name="s0" select="if (count($given) = 4) then $given[3] else floor((min($lats) - 2) div 5) * 5"/>
    <xsl:variable name="n0" select="if (count($given) = 4) then $given[4] else ceiling((max($lats) + 2) div 5) * 5"/>
    <xsl:variable name="k" select="12"/>
    <xsl:variable name="W" select="($e0 - $w0) * $k"/>
    <xsl:variable name="H" select="($n0 - $s0) * $k"/>
    <!-- each article of a text that names two or more placed places: its places joined
         in the order it names them (a boundary article is its boundary line) -->
    <xsl:variable name="routes" as="map(*)*">
      <xsl:for-each select="tt:text-docs()">
        <xsl:variable name="title" select="tt:title(.)"/>
        <xsl:for-each select=".//tei:body//tei:div[@type = 'article']">
          <xsl:variable name="refs" select=".//tei:placeName/@ref ! substring(., 2)"/>
          <xsl:variable name="firsts" select="for $i in 1 to count($refs) return $refs[$i][not(. = subsequence($refs, 1, $i - 1))]"/>
          <xsl:variable name="stops" select="$firsts ! (let $id := . return $pts[@xml:id = $id])"/>
          <xsl:if test="count($stops) ge 2">
            <xsl:sequence select="map{'text': $title, 'label': tt:ui('place-article', @n), 'stops': $stops}"/>
          </xsl:if>
        </xsl:for-each>
      </xsl:for-each>
    </xsl:variable>
    <figure class="map">
      <xsl:if test="exists($routes)">
        <label class="map-routes">{tt:ui('join-places')}
          <select data-routes="">
            <option value="">{tt:ui('none')}</option>
            <!-- grouped by text: an edition of many texts has many articles -->
            <xsl:for-each-group select="$routes ! map:put(., 'n', position())" group-adjacent="?text">
              <optgroup label="{current-grouping-key()}">
                <xsl:for-each select="current-group()">
                  <option value="route-{?n}">{tt:ui('n-places', (?label, count(?stops)))}</option>
                </xsl:for-each>
              </optgroup>
            </xsl:for-each-group>
          </select>
        </label>
      </xsl:if>
      <div class="map-tools" role="group" aria-label="{tt:ui('map-view')}">
        <button type="button" data-zoom="in" aria-label="{tt:ui('zoom-in')}">+</button>
        <button type="button" data-zoom="out" aria-label="{tt:ui('zoom-out')}">−</button>
        <button type="button" data-zoom="reset">{tt:ui('whole-map')}</button>
      </div>
      <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {$W} {$H}" aria-labelledby="map-title" tabindex="0"
           data-full="0 0 {$W} {$H}" class="{if ($basemap) then 'with-basemap' else 'grid-only'}">
        <title id="map-title">{tt:ui('map-title', ($s0, $n0, $w0, $e0))}</title>
        <rect x="-{$W}" y="-{$H}" width="{3 * $W}" height="{3 * $H}" class="map-bg"/>
        <xsl:if test="$basemap">
          <xsl:copy-of select="parse-xml($basemap)/*"/>
        </xsl:if>
        <xsl:for-each select="xs:integer($w0 div 5) to xs:integer($e0 div 5)">
          <xsl:variable name="x" select="(. * 5 - $w0) * $k"/>
          <line x1="{$x}" y1="0" x2="{$x}" y2="{$H}" class="grid"/>
          <text x="{$x + 2}" y="{$H - 4}" class="grid-label">{. * 5}°E</text>
        </xsl:for-each>
        <xsl:for-each select="xs:integer($s0 div 5) + 1 to xs:integer($n0 div 5)">
          <xsl:variable name="y" select="($n0 - . * 5) * $k"/>
          <line x1="0" y1="{$y}" x2="{$W}" y2="{$y}" class="grid"/>
          <text x="2" y="{$y - 2}" class="grid-label">{. * 5}°N</text>
        </xsl:for-each>
        <xsl:for-each select="$routes">
          <polyline id="route-{position()}" class="route" points="{string-join(?stops ! (
              format-number((xs:double(tokenize(tei:location/tei:geo)[2]) - $w0) * $k, '0.0') || ',' ||
              format-number(($n0 - xs:double(tokenize(tei:location/tei:geo)[1])) * $k, '0.0')), ' ')}"/>
        </xsl:for-each>
        <!-- greedy label placement: each label takes the first of eight positions around
             its point that overlaps no point and no label placed before it (west to east) -->
        <xsl:iterate select="sort($pts, (), function($p) { xs:double(tokenize($p/tei:location/tei:geo)[2]) })">
          <xsl:param name="boxes" as="map(*)*" select="$pts ! (
              let $px := (xs:double(tokenize(tei:location/tei:geo)[2]) - $w0) * $k,
                  $py := ($n0 - xs:double(tokenize(tei:location/tei:geo)[1])) * $k
              return map{'x1': $px - 4, 'y1': $py - 4, 'x2': $px + 4, 'y2': $py + 4})"/>
          <xsl:variable name="lat" select="xs:double(tokenize(tei:location/tei:geo)[1])"/>
          <xsl:variable name="lon" select="xs:double(tokenize(tei:location/tei:geo)[2])"/>
          <xsl:variable name="x" select="($lon - $w0) * $k"/>
          <xsl:variable name="y" select="($n0 - $lat) * $k"/>
          <!-- labelled with the Chinese name (the English one as the point's title) -->
          <xsl:variable name="label" select="string((tt:entry-name(.), tei:placeName[@xml:lang = 'en'])[1])"/>
          <xsl:variable name="en" select="string((tei:placeName[@xml:lang = 'en'])[1])"/>
          <xsl:variable name="w" select="sum(string-to-codepoints($label) ! (if (. gt 11903) then 12 else 6.2))"/>
          <xsl:variable name="candidates" as="map(*)*" select="
              for $c in ([6, 4], [-6 - $w, 4], [6, 17], [-6 - $w, 17], [6, -9], [-6 - $w, -9], [-$w div 2, 20], [-$w div 2, -12])
              return map{'x1': $x + $c(1), 'y1': $y + $c(2) - 10, 'x2': $x + $c(1) + $w, 'y2': $y + $c(2) + 2}"/>
          <xsl:variable name="free" select="$candidates[
              let $c := . return
                every $b in $boxes satisfies ($c?x2 le $b?x1 or $c?x1 ge $b?x2 or $c?y2 le $b?y1 or $c?y1 ge $b?y2)
                and $c?x1 ge 0 and $c?x2 le $W and $c?y1 ge 0 and $c?y2 le $H][1]"/>
          <xsl:variable name="box" select="($free, $candidates[1])[1]"/>
          <a href="#{@xml:id}">
            <title>{string-join(($label, $en[. ne $label]), ' · ')}</title>
            <circle cx="{format-number($x, '0.0')}" cy="{format-number($y, '0.0')}" r="4" class="pt pt-{@type}"/>
            <text x="{format-number($box?x1, '0.0')}" y="{format-number($box?y2 - 2, '0.0')}" class="pt-label">{$label}</text>
          </a>
          <xsl:next-iteration>
            <xsl:with-param name="boxes" select="$boxes, $box"/>
          </xsl:next-iteration>
        </xsl:iterate>
      </svg>
      <figcaption>{tt:ui('map-caption', (count($pts), count($register//tei:place)))}{if ($basemap) then tt:ui('map-base') else tt:ui('map-nobase')}{tt:ui('map-how')}</figcaption>
    </figure>
  </xsl:template>

  <!-- the dates on a time line: one point per day (or year) named, its size by how often;
       a point where the sources give one day two values is flagged (a red ring) -->
  <xsl:template name="tt:timeline">
    <xsl:param name="dates" as="element()*"/>
    <xsl:variable name="keyed" as="map(*)*">
      <xsl:for-each-group select="$dates" group-by="(if (@when) then string(@when) else @notBefore || '/' || @notAfter)">
        <xsl:variable name="k" select="current-grouping-key()"/>
        <xsl:variable name="y" select="xs:double(substring($k, 1, 4)) + (if (string-length($k) ge 7) then (xs:double(substring($k, 6, 2)) - 1) div 12 else 0)
                                       + (if (string-length($k) ge 10) then (xs:double(substring($k, 9, 2)) - 1) div 365 else 0)"/>
        <xsl:variable name="differ" select="some $d in current-group(), $c in tokenize($d/@corresp)
                                            satisfies string(root($d)//tei:date[@xml:id = substring-after($c, '#')]/@when) != string($d/@when)"/>
        <xsl:sequence select="map{'key': $k, 'year': $y, 'n': count(current-group()), 'differ': $differ}"/>
      </xsl:for-each-group>
    </xsl:variable>
    <xsl:if test="exists($keyed)">
      <xsl:variable name="y0" select="floor(min($keyed ! ?year) div 10) * 10"/>
      <xsl:variable name="y1" select="ceiling((max($keyed ! ?year) + 1) div 10) * 10"/>
      <xsl:variable name="W" select="900"/>
      <xsl:variable name="x" select="function($y) { 20 + ($y - $y0) div ($y1 - $y0) * ($W - 40) }"/>
      <figure class="timeline">
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {$W} 90" aria-labelledby="timeline-title">
          <title id="timeline-title">{tt:ui('tl-title', ($y0, $y1, count($keyed)))}{if (some $k in $keyed satisfies $k?differ) then tt:ui('tl-title-differ', count($keyed[?differ])) else ''}</title>
          <line x1="20" y1="50" x2="{$W - 20}" y2="50" class="tl-axis"/>
          <xsl:for-each select="xs:integer($y0 div 10) to xs:integer($y1 div 10)">
            <xsl:variable name="tx" select="format-number($x(. * 10), '0.0')"/>
            <line x1="{$tx}" y1="46" x2="{$tx}" y2="54" class="tl-tick"/>
            <xsl:if test="(. * 10) mod 50 = 0 or ($y1 - $y0) le 100"><text x="{$tx}" y="72" class="tl-year">{. * 10}</text></xsl:if>
          </xsl:for-each>
          <xsl:for-each select="$keyed">
            <a href="#d-{replace(?key, '/', '--')}">
              <circle cx="{format-number($x(?year), '0.0')}" cy="50" r="{min((4 + ?n, 9))}" class="tl-pt{if (?differ) then ' tl-differ' else ''}">
                <title>{tt:ui('tl-mentions', (?key, ?n))}{if (?differ) then tt:ui('tl-differ') else ''}</title>
              </circle>
            </a>
          </xsl:for-each>
        </svg>
        <figcaption>{tt:ui('tl-caption', (count($keyed), min($keyed ! ?key), max($keyed ! ?key)))}{if (some $k in $keyed satisfies $k?differ) then tt:ui('tl-caption-differ', count($keyed[?differ])) else ''}.</figcaption>
      </figure>
    </xsl:if>
  </xsl:template>

  <xsl:template name="tt:date-index">
    <xsl:variable name="dates" select="tt:text-docs()//tei:date[@when or @notBefore][ancestor::tei:text or ancestor::tei:notesStmt]"/>
    <p>{tt:ui('dates-intro')}</p>
    <xsl:call-template name="tt:timeline"><xsl:with-param name="dates" select="$dates"/></xsl:call-template>
    <table class="dates">
      <thead><tr><th scope="col">{tt:ui('th-date')}</th><th scope="col">{tt:ui('th-source')}</th><th scope="col">{tt:ui('th-calendar')}</th><th scope="col">{tt:ui('th-same')}</th><th scope="col">{tt:ui('th-where')}</th></tr></thead>
      <tbody>
        <xsl:for-each-group select="$dates" group-by="(if (@when) then string(@when) else @notBefore || '/' || @notAfter)">
          <xsl:sort select="current-grouping-key()"/>
          <xsl:for-each select="current-group()">
            <tr>
              <xsl:if test="position() = 1"><xsl:attribute name="id" select="'d-' || replace((if (@when) then string(@when) else @notBefore || '/' || @notAfter), '/', '--')"/></xsl:if>
              <td><time datetime="{(if (@when) then string(@when) else @notBefore || '/' || @notAfter)}">{(if (@when) then string(@when) else @notBefore || '/' || @notAfter)}</time></td>
              <td lang="{tt:lang(.)}">{tt:plain(.)}</td>
              <td>{if (@datingMethod = '#julian') then tt:ui('cal-julian-v', @when-custom) else if (@datingMethod = '#chinese-qing') then tt:ui('cal-qing-v', @when-custom) else if (@datingMethod = '#chinese') then tt:ui('cal-chinese-v', @when-custom) else tt:ui('cal-gregorian')}</td>
              <td>
                <xsl:variable name="me" select="."/>
                <xsl:for-each select="tokenize(@corresp)">
                  <xsl:variable name="d" select="root($me)//tei:date[@xml:id = substring-after(current(), '#')]"/>
                  <xsl:if test="position() gt 1">; </xsl:if>
                  <span lang="{tt:lang($d)}">{tt:plain($d)}</span>
                  <xsl:choose>
                    <xsl:when test="string($d/@when) = string($me/@when)"> {tt:ui('agrees')}</xsl:when>
                    <xsl:otherwise> <strong class="disagree">(= {$d/@when}: {tt:date-diagnosis($me/@when, $d/@when)})</strong></xsl:otherwise>
                  </xsl:choose>
                </xsl:for-each>
              </td>
              <td><a href="{tt:doc-page(.)}#{tt:occ-id(.)}"><span lang="{tt:lang(root(.)/tei:TEI)}">{tt:title(.)}</span>, {tt:place-label(.)}</a></td>
            </tr>
          </xsl:for-each>
        </xsl:for-each-group>
      </tbody>
    </table>
  </xsl:template>
</xsl:stylesheet>
