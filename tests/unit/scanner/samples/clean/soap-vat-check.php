<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
// a VAT number checked at the EU's SOAP service
$client = new SoapClient('https://ec.europa.eu/taxation_customs/vies/checkVatService.wsdl');
$r = $client->checkVat(array('countryCode' => $_POST['cc'], 'vatNumber' => $_POST['vat']));
echo $r->valid ? 'valid' : 'invalid';
