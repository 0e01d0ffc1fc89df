<?php
require_once 'config.php';
$con = new Connect();
$zip = new ZipArchive();
$dirZipName = './tmp/zip/';
$id = 3;
$sth = $con->access()->prepare('SELECT * FROM arquivo WHERE id = :ID');
$sth->bindValue(':ID', $id);
$sth->execute();
$result = $sth->fetch(\PDO::FETCH_ASSOC);
if ($result) {
    $data = $result['FILE'];
    $file = 'TMP_' . $id . '__' . time() . '.zip';
    $rote = $dirZipName . $file;
    file_put_contents($dirZipName . $file, base64_decode($data));
    if ($zip->open($rote) === true) {
        for ($i = 0; $i < $zip->numFiles; $i++) {
            $file = $zip->getNameIndex($i);
            echo "<a href='./download.php?id=" . $id . '&indice=' . $i . "'>" . htmlspecialchars($file) . '</a><br>';
        }
        $zip->close();
    }
}
