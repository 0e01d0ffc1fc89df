<?php
// a PDF upload: the extension is found and compared before the file is kept
$name = $_FILES['report']['name'];
$ext = strtolower(pathinfo($name, PATHINFO_EXTENSION));
if ($ext !== 'pdf') {
    exit('PDF files only');
}
$to = __DIR__ . '/reports/' . date('Ymd-His') . '-' . basename($name);
move_uploaded_file($_FILES['report']['tmp_name'], $to);
echo 'Received';
