<?php
use Illuminate\Http\Request;

class ThumbController
{
    public function make(Request $request)
    {
        $path = storage_path('app/' . basename($request->input('file')));
        exec('/usr/bin/convert ' . escapeshellarg($path) . ' -resize 200x200 ' . escapeshellarg($path . '.thumb.jpg'));
        $rows = DB::select('select * from thumbs where owner = ?', [$request->input('owner')]);
        return response()->json(['ok' => true, 'rows' => count($rows)]);
    }
}
