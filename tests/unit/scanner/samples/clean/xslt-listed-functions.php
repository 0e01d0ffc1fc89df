<?php
// a report rendered with the site's own stylesheet; the request only picks the year
$xml = new DOMDocument();
$xml->loadXML(build_report_xml((int) ($_GET['year'] ?? date('Y'))));
$xsl = new DOMDocument();
$xsl->load(__DIR__ . '/report.xsl');
$p = new XSLTProcessor();
$p->registerPHPFunctions(array('number_format', 'htmlspecialchars'));
$p->importStylesheet($xsl);
echo $p->transformToXML($xml);
